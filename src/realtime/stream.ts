import { randomUUID } from "node:crypto";
import type { Dispatcher } from "undici";
import type { BodyFormat } from "../recall/body-format.js";
import { matchesAny } from "../recall/catalog.js";
import type { HeaderChoice } from "../webhook/headers.js";
import type { Signer } from "../webhook/sign.js";
import { FrameBodies, type StreamIdentity } from "./bodies.js";
import { type EndpointSender, type EndpointSummary, type RealtimeEvent, realSleep, scaled, transportOf } from "./endpoint.js";
import { type Frame, RAW_MEDIA_EVENTS } from "./frames.js";
import type { MeetingScript } from "./script.js";
import { WebhookSender } from "./webhook-sender.js";
import { WebSocketSender } from "./ws-sender.js";

export interface RealtimeStreamOptions {
  readonly script: MeetingScript;
  /** expandScript(script, ...) */
  readonly frames: readonly Frame[];
  /** http(s):// real-time webhook endpoints, ws(s):// WebSocket endpoints. */
  readonly endpoints: readonly URL[];
  /** Event type globs each endpoint is subscribed to; default every frame (raw media to WebSockets only). */
  readonly events?: readonly string[];
  readonly identity: StreamIdentity;
  readonly signer: Signer | null;
  readonly headers?: HeaderChoice;
  readonly format?: BodyFormat;
  /** 1 is real time; 0 as fast as possible. Retry intervals are divided by it too. */
  readonly speed: number;
  readonly dispatcher?: Dispatcher;
  readonly timeoutMs?: number;
  readonly extraHeaders?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  /** Epoch ms, for signatures and absolute timestamps. */
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly onEvent?: (event: RealtimeEvent) => void;
  /** Each frame's body as it is handed to an endpoint's sender (emulate --inspect journals it). */
  readonly onFrame?: (endpoint: URL, event: string, body: string) => void;
  readonly uuid?: () => string;
}

/** How one play is timed and ended, when the caller drives the recording (the emulator). */
export interface PlayOptions {
  /** Epoch ms at which a moment of recording (seconds) was recorded, when the caller keeps its own clock (the emulator's meeting time). */
  readonly absolute?: (seconds: number) => number;
  /** Ends the play early: once the signal fires, frames due before `atMs()` ms of recording go out at once, the rest never. */
  readonly cut?: { readonly signal: AbortSignal; readonly atMs: () => number };
}

interface Route {
  readonly url: URL;
  readonly sender: EndpointSender;
  readonly bodies: FrameBodies;
  readonly accepts: (event: string) => boolean;
}

/**
 * One bot's real-time stream to its endpoints. `play` streams a stretch of the script in real time
 * (divided by speed) while the bot records; between two plays the recording is paused and nothing
 * is sent; `close` ends the stream when the call ends.
 */
export class RealtimeStream {
  readonly #options: RealtimeStreamOptions;
  readonly #routes: Route[];
  readonly #now: () => number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(options: RealtimeStreamOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? realSleep;
    const uuid = options.uuid ?? randomUUID;
    const timing = { speed: options.speed, now: this.#now, sleep: this.#sleep, ...(options.signal && { signal: options.signal }) };
    const common = {
      ...timing, signer: options.signer, ...(options.headers && { headers: options.headers }),
      ...(options.extraHeaders && { extraHeaders: options.extraHeaders }), ...(options.onEvent && { onEvent: options.onEvent }),
    };
    this.#routes = options.endpoints.map((url): Route => {
      const websocket = transportOf(url) === "websocket";
      const sender: EndpointSender = websocket
        ? new WebSocketSender({ ...common, url })
        : new WebhookSender({
          ...common, url, ...(options.dispatcher && { dispatcher: options.dispatcher }), ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
        });
      const events = options.events ?? [];
      const accepts = (event: string): boolean =>
        (websocket || !RAW_MEDIA_EVENTS.includes(event)) && (events.length === 0 || matchesAny(event, events));
      return { url, sender, bodies: new FrameBodies(options.script, options.identity, uuid(), options.format), accepts };
    });
  }

  /** Streams the frames due in [fromMs, toMs) of recording; resolves once every endpoint has them (or gave up). */
  async play(fromMs: number, toMs: number, options: PlayOptions = {}): Promise<void> {
    const { speed, signal } = this.#options;
    const started = this.#now();
    const startedMono = performance.now();
    // Times in the bodies follow the run's clock, like the status webhooks' updated_at; or the
    // caller's own clock (the emulator's meeting time) from the moment fromMs was recorded.
    const absolute = options.absolute ?? ((seconds: number): number => started + scaled(seconds * 1000 - fromMs, speed));
    const cut = options.cut;
    const waitSignal = cut && signal ? AbortSignal.any([signal, cut.signal]) : cut?.signal ?? signal;
    const sends: Promise<void>[] = [];
    for (const frame of this.#options.frames) {
      if (frame.atMs < fromMs || frame.atMs >= toMs) continue;
      if (cut?.signal.aborted) {
        // Cut short: what was recorded before the cut still goes out, at once; the rest never does.
        if (frame.atMs >= cut.atMs()) break;
      } else {
        const due = scaled(frame.atMs - fromMs, speed) - (performance.now() - startedMono);
        if (due > 1) await this.#sleep(due, waitSignal);
        if (cut?.signal.aborted && frame.atMs >= cut.atMs()) break;
      }
      if (signal?.aborted) break;
      for (const route of this.#routes) {
        if (!route.accepts(frame.event)) continue;
        const body = route.bodies.body(frame, absolute);
        this.#options.onFrame?.(route.url, frame.event, body);
        sends.push(route.sender.send(frame.event, body));
      }
    }
    await Promise.all(sends);
  }

  /** Ends the stream: frames still queued go out (or are given up), WebSockets close. */
  async close(): Promise<EndpointSummary[]> {
    await Promise.all(this.#routes.map((r) => r.sender.close()));
    return this.#routes.map((r) => r.sender.summary);
  }
}
