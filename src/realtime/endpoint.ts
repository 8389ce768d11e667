import { setTimeout as delay } from "node:timers/promises";
import type { DeliveryErrorKind } from "../webhook/deliver.js";
import { MAX_DELAY_MS } from "../simulate/engine.js";

// What the two real-time senders share: Recall's retry rules (recall-webhooks.md §4.4), the events
// they report, and their per-endpoint tally.

/** Real-time webhook: retried 1 s apart, up to 60 times per event; then the endpoint is failed. */
export const WEBHOOK_RETRY = { intervalMs: 1_000, retries: 60 } as const;
/** WebSocket: reconnected 3 s apart, up to 30 times per incident; then the endpoint is failed. */
export const WEBSOCKET_RECONNECT = { intervalMs: 3_000, attempts: 30 } as const;

export type Transport = "webhook" | "websocket";

export function transportOf(url: URL): Transport {
  return url.protocol === "ws:" || url.protocol === "wss:" ? "websocket" : "webhook";
}

/** What a sender reports as it works; successful frames are counted, not reported one by one. */
export type RealtimeEvent =
  | {
    readonly type: "attempt"; readonly endpoint: string; readonly event: string; readonly id: string; readonly attempt: number;
    readonly status: number | null; readonly error: DeliveryErrorKind | null; readonly message: string | null; readonly retryInMs: number | null;
  }
  | {
    readonly type: "connect"; readonly endpoint: string; readonly attempt: number; readonly reconnect: boolean; readonly ok: boolean;
    readonly status: number | null; readonly message: string | null; readonly retryInMs: number | null;
  }
  | { readonly type: "disconnect"; readonly endpoint: string; readonly code: number; readonly reason: string }
  | { readonly type: "endpoint_failed"; readonly endpoint: string; readonly message: string; readonly lost: number };

/** One endpoint's tally for the run. */
export interface EndpointSummary {
  readonly url: string;
  readonly transport: Transport;
  /** Frames delivered (webhook: answered 2xx; WebSocket: written to an open connection). */
  frames: number;
  /** Frames never delivered: the endpoint was failed, or the run stopped. */
  lost: number;
  /** Webhook: retries sent. */
  retries: number;
  /** WebSocket: upgrade requests made; the first connection and every reconnection. */
  connections: number;
  /** WebSocket: connections that dropped while streaming. */
  drops: number;
  /** Marked failed, as Recall marks an endpoint that exhausted its retries. */
  failed: boolean;
  /** Frames per event type. */
  readonly byEvent: Record<string, number>;
}

export function emptySummary(url: string, transport: Transport): EndpointSummary {
  return { url, transport, frames: 0, lost: 0, retries: 0, connections: 0, drops: 0, failed: false, byEvent: {} };
}

/** The pieces a sender is given: clock, waits and the speed that scales Recall's intervals. */
export interface SenderTiming {
  /** 1 keeps Recall's intervals, 10 makes them ten times shorter, 0 retries at once. */
  readonly speed: number;
  /** Epoch ms, for signature timestamps. */
  readonly now: () => number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly signal?: AbortSignal;
}

export const realSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  delay(ms, undefined, signal ? { signal } : {}).catch(() => undefined);

/** A wait at speed 1, scaled; 0 at speed 0. */
export function scaled(ms: number, speed: number): number {
  return speed > 0 ? Math.min(ms / speed, MAX_DELAY_MS) : 0;
}

/** A sender of one endpoint: frames go out one after the other, in the order given. */
export interface EndpointSender {
  readonly summary: EndpointSummary;
  /** Queues a frame; resolves once it is delivered or given up. */
  send(event: string, body: string): Promise<void>;
  /** Waits for the frames queued, then closes (a WebSocket with 1000). */
  close(): Promise<void>;
}
