import type { FrameEntry } from "../deliveries/frames-read.js";
import type { HeaderChoice } from "../webhook/headers.js";
import type { Signer } from "../webhook/sign.js";
import { type EndpointSummary, type RealtimeEvent, realSleep, scaled } from "./endpoint.js";
import { WebSocketSender } from "./ws-sender.js";

export interface FrameReplayOptions {
  readonly to: URL;
  /** Signs each upgrade request afresh; null sends none. */
  readonly signer: Signer | null;
  readonly headers?: HeaderChoice;
  /** Keep the journal's spacing between frames (divided by speed); default as fast as possible. */
  readonly realtime?: boolean;
  /** With realtime: 2 is twice as fast. Reconnection intervals are divided by it too. */
  readonly speed?: number;
  readonly signal?: AbortSignal;
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly onEvent?: (event: RealtimeEvent, connection: string) => void;
}

export interface FrameReplayConnection {
  /** The journal's connection. */
  readonly connection: string;
  readonly summary: EndpointSummary;
}

/**
 * Re-streams journaled frames over WebSocket: one connection per connection of the journal, each
 * opened with a freshly signed upgrade, frames byte for byte in their original order and, with
 * `realtime`, their original spacing. Reconnections follow Recall's rules, as simulate's do.
 */
export async function replayFrames(frames: readonly FrameEntry[], options: FrameReplayOptions): Promise<FrameReplayConnection[]> {
  const sleep = options.sleep ?? realSleep;
  const speed = options.speed ?? 1;
  const senders = new Map<string, WebSocketSender>();
  const senderFor = (connection: string): WebSocketSender => {
    let sender = senders.get(connection);
    if (sender === undefined) {
      sender = new WebSocketSender({
        url: options.to, signer: options.signer, speed, now: options.now ?? Date.now, sleep,
        ...(options.headers && { headers: options.headers }), ...(options.signal && { signal: options.signal }),
        ...(options.onEvent && { onEvent: (e: RealtimeEvent) => options.onEvent!(e, connection) }),
      });
      senders.set(connection, sender);
    }
    return sender;
  };
  const sends: Promise<void>[] = [];
  let previous: number | null = null;
  for (const frame of frames) {
    if (options.signal?.aborted) break;
    if (options.realtime && previous !== null && frame.receivedAt !== null) {
      const gap = scaled(Math.max(0, frame.receivedAt - previous), speed);
      if (gap > 0) await sleep(gap, options.signal);
    }
    if (frame.receivedAt !== null) previous = frame.receivedAt;
    sends.push(senderFor(frame.connection).send(frame.event ?? "(no event)", frame.binary ? frame.data : frame.data.toString("utf8")));
  }
  await Promise.all(sends);
  await Promise.all([...senders.values()].map((s) => s.close()));
  return [...senders].map(([connection, sender]) => ({ connection, summary: sender.summary }));
}
