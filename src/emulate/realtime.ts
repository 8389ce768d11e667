import { randomUUID } from "node:crypto";
import type { Dispatcher } from "undici";
import type { BodyFormat } from "../recall/body-format.js";
import { streamIdentity } from "../realtime/bodies.js";
import type { EndpointSummary, RealtimeEvent } from "../realtime/endpoint.js";
import { type ExpandOptions, type Frame, expandScript } from "../realtime/frames.js";
import type { MeetingScript } from "../realtime/script.js";
import { RealtimeStream } from "../realtime/stream.js";
import type { Signer } from "../webhook/sign.js";
import { recordedAt } from "./recording.js";
import type { BotState, RecordingState } from "./state.js";

// A bot's real-time endpoints (recording_config.realtime_endpoints) streamed with the real-time
// engine (src/realtime): the meeting script plays while the bot is in_call_recording, on the
// emulator's clock, with the bot's ids, its recording's ids and each endpoint's own id and events.

/** One stretch of recording: from meeting time `at` (also in the recording's periods), recording ms [fromMs, toMs). */
export interface RecordingPeriod {
  readonly at: number;
  readonly fromMs: number;
  /** Where the walk plans the period to end; Infinity when a command started it (the script's end). */
  readonly toMs: number;
}

/** One bot recording's stream to its endpoints. */
export interface BotStream {
  readonly recordingId: string;
  /** Starts now, or once `after` settles (cuts made meanwhile apply). */
  play(period: RecordingPeriod, after?: Promise<void>): void;
  /** Recording paused or ended at `atMs` of recording: frames due before it still go out, the rest do not. */
  cut(atMs: number): void;
  /** Resolves once the current period's frames have gone out (or were given up). */
  played(): Promise<void>;
  /** Cut first. Closes the endpoints (WebSockets with 1000) once their frames are out. */
  end(): Promise<void>;
}

export interface RealtimeSeam {
  /** A stream for the bot's recording, or null when it has no real-time endpoints. */
  open(bot: BotState, recording: RecordingState): BotStream | null;
  /** Resolves once every stream that ended has closed. */
  settled(): Promise<void>;
}

export interface StreamSettings {
  readonly script: MeetingScript;
  readonly speed: number;
  readonly signer: Signer;
  readonly format: BodyFormat;
  readonly dispatcher?: Dispatcher;
  readonly signal: AbortSignal;
  readonly now: () => number;
  readonly onEvent?: (event: RealtimeEvent, botId: string) => void;
  readonly onEnd?: (botId: string, endpoints: EndpointSummary[]) => void;
  /** Each frame as it goes to an endpoint (emulate --inspect journals it). */
  readonly onFrame?: (botId: string, endpoint: URL, event: string, body: string) => void;
}

interface Endpoint {
  readonly url: URL;
  readonly events: readonly string[];
}

export function realtimeSeam(settings: StreamSettings): RealtimeSeam {
  const frames = new FrameCache(settings.script);
  const ending = new Set<Promise<void>>();
  return {
    open(bot, recording) {
      const endpoints = endpointsOf(bot);
      if (endpoints.length === 0) return null;
      const stream = new EmulatedStream(settings, frames, bot, recording, endpoints);
      return {
        recordingId: recording.id,
        play: (period, after) => stream.play(period, after),
        cut: (atMs) => stream.cut(atMs),
        played: () => stream.played(),
        end: () => {
          const job = stream.end().then((summaries) => settings.onEnd?.(bot.id, summaries));
          ending.add(job);
          void job.finally(() => ending.delete(job));
          return job;
        },
      };
    },
    async settled() {
      while (ending.size > 0) await Promise.all([...ending]);
    },
  };
}

class EmulatedStream {
  readonly #streams: RealtimeStream[];
  readonly #recording: RecordingState;
  #cut: { controller: AbortController; atMs: number } | null = null;
  #playing: Promise<void> = Promise.resolve();

  constructor(settings: StreamSettings, frames: FrameCache, bot: BotState, recording: RecordingState, endpoints: readonly Endpoint[]) {
    this.#recording = recording;
    const metadata = { ...(bot.config["metadata"] as Record<string, string> | undefined) };
    const base = streamIdentity(bot.id, recording.id, metadata);
    // The stream names the recording's own media objects, so an app can match frames to downloads.
    const own = Object.fromEntries(recording.media.filter((m) => m.kind in base.resourceIds).map((m) => [m.kind, m.id]));
    const identity = { ...base, resourceIds: { ...base.resourceIds, ...own } };
    // One engine stream per endpoint: each has its own events and its own realtime_endpoint id.
    this.#streams = endpoints.map((endpoint, i) => new RealtimeStream({
      script: settings.script, frames: frames.for(endpoint.events), endpoints: [endpoint.url], events: endpoint.events, identity,
      signer: settings.signer, format: settings.format, speed: settings.speed, signal: settings.signal, now: settings.now,
      uuid: () => recording.endpointIds[i] ?? randomUUID(),
      ...(settings.dispatcher && { dispatcher: settings.dispatcher }),
      ...(settings.onEvent && { onEvent: (e: RealtimeEvent) => settings.onEvent!(e, bot.id) }),
      ...(settings.onFrame && { onFrame: (url: URL, event: string, body: string) => settings.onFrame!(bot.id, url, event, body) }),
    }));
  }

  play(period: RecordingPeriod, after: Promise<void> = Promise.resolve()): void {
    const periods = this.#recording.periods ?? [{ at: period.at, fromMs: period.fromMs }];
    const cut = { controller: new AbortController(), atMs: Number.POSITIVE_INFINITY };
    this.#cut = cut;
    const toMs = Math.min(period.toMs, Number.MAX_SAFE_INTEGER);
    // A word is stamped when it was recorded, though its frame may go out after a pause.
    const options = { absolute: (seconds: number) => recordedAt(periods, seconds * 1000), cut: { signal: cut.controller.signal, atMs: () => cut.atMs } };
    const previous = this.#playing;
    // A period starts after the last one's frames went out: frames reach an endpoint in order.
    this.#playing = Promise.all([previous, after.catch(() => undefined)])
      .then(() => Promise.all(this.#streams.map((s) => s.play(period.fromMs, toMs, options)))).then(() => undefined);
  }

  cut(atMs: number): void {
    if (this.#cut === null) return;
    this.#cut.atMs = atMs;
    this.#cut.controller.abort();
    this.#cut = null;
  }

  played(): Promise<void> {
    return this.#playing;
  }

  async end(): Promise<EndpointSummary[]> {
    await this.#playing;
    const summaries = await Promise.all(this.#streams.map((s) => s.close()));
    return summaries.flat();
  }
}

/** Expanded frames per set of events asked for, shared by every bot of the emulator. */
class FrameCache {
  readonly #script: MeetingScript;
  readonly #cache = new Map<string, Frame[]>();

  constructor(script: MeetingScript) {
    this.#script = script;
  }

  for(events: readonly string[]): Frame[] {
    const wants = (event: string): boolean => events.includes(event);
    const options: ExpandOptions = { partials: wants("transcript.partial_data"), video: wants("video_separate_png.data") };
    const mixed = wants("audio_mixed_raw.data");
    const separate = wants("audio_separate_raw.data");
    const key = JSON.stringify([options.partials, options.video, mixed, separate]);
    let frames = this.#cache.get(key);
    if (frames === undefined) {
      frames = expandScript(this.#script, { ...options, ...(mixed ? { rawAudio: "mixed" } : separate ? { rawAudio: "separate" } : {}) });
      // Both raw audio streams asked for: the separate chunks join the mixed ones, in time order.
      if (mixed && separate) {
        const extra = expandScript(this.#script, { rawAudio: "separate" }).filter((f) => f.event === "audio_separate_raw.data");
        frames = [...frames, ...extra].map((f, i) => ({ f, i })).sort((a, b) => a.f.atMs - b.f.atMs || a.i - b.i).map((x) => x.f);
      }
      this.#cache.set(key, frames);
    }
    return frames;
  }
}

function endpointsOf(bot: BotState): Endpoint[] {
  const config = (bot.config["recording_config"] ?? {}) as Record<string, unknown>;
  const list = Array.isArray(config["realtime_endpoints"]) ? (config["realtime_endpoints"] as Array<Record<string, unknown>>) : [];
  return list.map((e) => ({ url: new URL(String(e["url"])), events: Array.isArray(e["events"]) ? e["events"].map(String) : [] }));
}
