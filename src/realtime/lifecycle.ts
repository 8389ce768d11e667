import type { ScenarioStep } from "../recall/scenarios.js";
import type { Outgoing } from "../simulate/engine.js";
import type { EndpointSummary } from "./endpoint.js";
import type { RealtimeStream } from "./stream.js";

// A real-time stream inside a bot's lifecycle: Recall streams only while the bot is in
// in_call_recording, so the script is cut into one stretch per recording period (two with the
// paused-resumed scenario) and each period of the lifecycle is stretched to its part of the script.

/** A recording period: from the in_call_recording step to the step that ends it. */
export interface RecordingSegment {
  /** The in_call_recording step's index. */
  readonly start: number;
  /** The index of the step that ends the period (a pause or call_ended), or null when none does. */
  readonly end: number | null;
  /** The stretch of the script it plays, in ms of recording. */
  readonly fromMs: number;
  readonly toMs: number;
}

/** After the last frame of a period, before the status that ends it. */
const TAIL_MS = 1_000;

/**
 * The steps with each recording period lasting its share of the script (shares as the scenario's
 * own periods), and the periods. No in_call_recording step: nothing is streamed.
 */
export function recordingSegments(steps: readonly ScenarioStep[], scriptMs: number): { steps: ScenarioStep[]; segments: RecordingSegment[] } {
  const starts = steps.flatMap((step, i) => (step.event === "bot.in_call_recording" ? [i] : []));
  const weights = starts.map((i) => steps[i + 1]?.delayMs ?? 1);
  const total = weights.reduce((a, b) => a + b, 0) || 1;
  const out = [...steps];
  const segments: RecordingSegment[] = [];
  let fromMs = 0;
  starts.forEach((start, k) => {
    // The last period takes the frames due at the very end too (the last audio chunk ends there).
    const toMs = k === starts.length - 1 ? scriptMs + 1 : Math.round(fromMs + (scriptMs * weights[k]!) / total);
    const end = start + 1 < steps.length ? start + 1 : null;
    if (end !== null) out[end] = { ...steps[end]!, delayMs: toMs - fromMs + TAIL_MS };
    segments.push({ start, end, fromMs, toMs });
    fromMs = toMs;
  });
  return { steps: out, segments };
}

/**
 * Hooks for the lifecycle's messages: the in_call_recording message starts its period's stream once
 * sent; the message that ends the period waits for the stream (and, for the last period, for the
 * stream to close: the WebSockets close as the call ends).
 */
export function streamHooks(segments: readonly RecordingSegment[], stream: RealtimeStream, done: (summaries: EndpointSummary[]) => void): {
  decorate: (index: number) => Pick<Outgoing, "before" | "after">;
  finish: () => Promise<void>;
} {
  const playing = new Map<RecordingSegment, Promise<void>>();
  let closed: Promise<void> | null = null;
  const close = (): Promise<void> => (closed ??= Promise.all(playing.values()).then(() => stream.close()).then(done));
  const last = segments.at(-1);
  return {
    decorate(index) {
      const started = segments.find((s) => s.start === index);
      const ended = segments.find((s) => s.end === index);
      return {
        ...(started && { after: () => { if (!playing.has(started)) playing.set(started, stream.play(started.fromMs, started.toMs)); } }),
        // With --reorder the period can end before it started: then the stream ends with the run.
        ...(ended && { before: async () => { await playing.get(ended); if (ended === last && playing.has(ended)) await close(); } }),
      };
    },
    // Whatever the lifecycle did (a period never started, an abort), the stream ends with the run.
    finish: close,
  };
}
