import { randomUUID } from "node:crypto";
import type { BodyFormat } from "../recall/body-format.js";
import type { ScenarioStep } from "../recall/scenarios.js";
import type { Outgoing } from "../simulate/engine.js";
import { createDispatcher } from "../webhook/deliver.js";
import { streamIdentity } from "./bodies.js";
import { type EndpointSummary, type RealtimeEvent, transportOf } from "./endpoint.js";
import { type RawAudio, RAW_MEDIA_EVENTS, expandScript } from "./frames.js";
import { recordingSegments, streamHooks } from "./lifecycle.js";
import { type MeetingScript, meetingScript } from "./script.js";
import { RealtimeStream, type RealtimeStreamOptions } from "./stream.js";

/** The real-time part of simulate's options. */
export interface RealtimeOptions {
  /** Real-time endpoints, streamed to while each bot records: http(s):// webhook, ws(s):// WebSocket. */
  readonly realtimeTo?: readonly (string | URL)[];
  /** Event type globs the endpoints are subscribed to; default every event generated. */
  readonly realtimeEvents?: readonly string[];
  /** What is said and done; default meetingScript(). */
  readonly script?: MeetingScript;
  /** transcript.partial_data before each transcript.data. */
  readonly partials?: boolean;
  /** Raw audio (WebSocket endpoints only). */
  readonly rawAudio?: RawAudio;
  /** PNG video frames (WebSocket endpoints only). */
  readonly video?: boolean;
  /** Raw audio chunk length in ms; default 100. */
  readonly chunkMs?: number;
  /** Retries, reconnections and failed endpoints, as they happen. */
  readonly onRealtime?: (event: RealtimeEvent, botId: string) => void;
}

/** What one bot streamed, per endpoint. */
export interface BotRealtime {
  readonly botId: string;
  readonly endpoints: readonly EndpointSummary[];
}

/** What the streams take from simulate's own options. */
type Shared = Omit<RealtimeStreamOptions, "script" | "frames" | "endpoints" | "identity" | "events" | "format" | "onEvent" | "uuid"> & {
  readonly metadata?: Record<string, string>;
};

export interface BotStreamPlan {
  readonly steps: ScenarioStep[];
  readonly recordingId: string;
  readonly decorate: (index: number) => Pick<Outgoing, "before" | "after">;
}

export interface RealtimeRun {
  forBot(botId: string, steps: readonly ScenarioStep[]): BotStreamPlan;
  /** Waits for every stream to end and returns what each bot streamed. */
  finish(): Promise<BotRealtime[]>;
}

/** Endpoint URLs checked: ws(s) or http(s); raw media needs a WebSocket endpoint (Recall refuses it on webhooks). */
export function realtimeEndpoints(options: Pick<RealtimeOptions, "realtimeTo" | "rawAudio" | "video">): URL[] {
  const urls = (options.realtimeTo ?? []).map((u) => (u instanceof URL ? u : new URL(u)));
  for (const url of urls) {
    if (!["http:", "https:", "ws:", "wss:"].includes(url.protocol)) throw new RangeError(`a real-time endpoint is http(s):// or ws(s)://, not ${url.href}`);
  }
  if ((options.rawAudio !== undefined || options.video) && !urls.some((u) => transportOf(u) === "websocket")) {
    throw new RangeError(`raw media (${RAW_MEDIA_EVENTS.join(", ")}) goes to WebSocket endpoints only, and none was given`);
  }
  return urls;
}

/** Prepares the streams of a simulate run with real-time endpoints. */
export async function prepareRealtime(options: RealtimeOptions & { readonly bodyFormat?: BodyFormat }, shared: Shared): Promise<RealtimeRun> {
  const endpoints = realtimeEndpoints(options);
  const script = options.script ?? (await meetingScript());
  const frames = expandScript(script, {
    partials: options.partials === true, video: options.video === true,
    ...(options.rawAudio !== undefined && { rawAudio: options.rawAudio }), ...(options.chunkMs !== undefined && { chunkMs: options.chunkMs }),
  });
  const scriptMs = script.duration * 1000;
  // Real-time webhooks go through the run's pool; without one, a pool of our own, closed at the end.
  const webhooks = endpoints.some((u) => transportOf(u) === "webhook");
  const ownPool = webhooks && shared.dispatcher === undefined ? await createDispatcher({}, { connections: 8 }) : null;
  const streamShared: Shared = ownPool ? { ...shared, dispatcher: ownPool } : shared;
  const finishes: (() => Promise<void>)[] = [];
  const results: BotRealtime[] = [];
  return {
    forBot(botId, steps) {
      const recordingId = randomUUID();
      const planned = recordingSegments(steps, scriptMs);
      const { metadata, ...common } = streamShared;
      const stream = new RealtimeStream({
        ...common, script, frames, endpoints, identity: streamIdentity(botId, recordingId, metadata),
        ...(options.bodyFormat && { format: options.bodyFormat }),
        ...(options.realtimeEvents && { events: options.realtimeEvents }),
        ...(options.onRealtime && { onEvent: (e: RealtimeEvent) => options.onRealtime!(e, botId) }),
      });
      const hooks = streamHooks(planned.segments, stream, (summaries) => { results.push({ botId, endpoints: summaries }); });
      finishes.push(hooks.finish);
      return { steps: planned.steps, recordingId, decorate: hooks.decorate };
    },
    async finish() {
      try {
        await Promise.all(finishes.map((f) => f()));
      } finally {
        await ownPool?.close();
      }
      return results;
    },
  };
}
