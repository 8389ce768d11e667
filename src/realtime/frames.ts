import { type MeetingScript, type ScriptAction, WORD_SECONDS, WORD_SOUND_SECONDS, utteranceEnd, wordsOf } from "./script.js";

// A script expanded into what Recall streams, in order: a timed list of frames. Times are
// milliseconds of recording (script time); a pause in the recording suspends the list, it does not
// skip any of it. Bodies are built from a frame at send time (bodies.ts), so they carry fresh times.

export type RawAudio = "mixed" | "separate";

export interface ExpandOptions {
  /** transcript.partial_data with growing prefixes before each transcript.data. */
  readonly partials?: boolean;
  /** audio_mixed_raw.data or audio_separate_raw.data (WebSocket only). */
  readonly rawAudio?: RawAudio;
  /** video_separate_png.data at 2 fps (WebSocket only). */
  readonly video?: boolean;
  /** Audio chunk length; default 100 ms. */
  readonly chunkMs?: number;
}

export interface WordSpan {
  readonly text: string;
  /** Seconds of recording. */
  readonly start: number;
  readonly end: number;
}

export type FrameSpec =
  | { readonly kind: "participant"; readonly participant: number; readonly at: number; readonly chat: { text: string; to: string } | null; readonly email: string | null }
  | { readonly kind: "transcript"; readonly participant: number; readonly words: readonly WordSpan[] }
  | { readonly kind: "audio"; readonly participant: number | null; readonly fromMs: number; readonly ms: number }
  | { readonly kind: "video"; readonly participant: number; readonly type: "webcam" | "screenshare"; readonly at: number };

export interface Frame {
  /** When it is sent, in ms of recording. */
  readonly atMs: number;
  readonly event: string;
  readonly spec: FrameSpec;
}

/** Events that only a WebSocket endpoint can receive (Recall refuses them on webhook endpoints). */
export const RAW_MEDIA_EVENTS: readonly string[] = ["audio_mixed_raw.data", "audio_separate_raw.data", "video_separate_png.data"];

/** The delay between the end of an utterance and its transcript.data. */
const FINAL_LATENCY = 0.5;
/** A partial follows every this many words. */
const PARTIAL_EVERY = 3;
const VIDEO_EVERY_MS = 500;

/** Every frame of the script, in send order. */
export function expandScript(script: MeetingScript, options: ExpandOptions = {}): Frame[] {
  const frames: Frame[] = [...actionFrames(script), ...speechFrames(script, options.partials === true)];
  const chunkMs = options.chunkMs ?? 100;
  if (!Number.isInteger(chunkMs) || chunkMs < 10 || chunkMs > 10_000) throw new RangeError(`chunkMs must be a whole number of ms from 10 to 10000, not ${chunkMs}`);
  if (options.rawAudio !== undefined) frames.push(...audioFrames(script, options.rawAudio, chunkMs));
  if (options.video) frames.push(...videoFrames(script));
  // Stable: frames at the same moment keep the order they were made in (a join before its webcam_on).
  return frames.map((frame, i) => ({ frame, i })).sort((a, b) => a.frame.atMs - b.frame.atMs || a.i - b.i).map((x) => x.frame);
}

function ms(seconds: number): number {
  return Math.round(seconds * 1000);
}

function actionFrames(script: MeetingScript): Frame[] {
  const email = new Map<number, string | null>();
  return script.actions.map((a: ScriptAction): Frame => {
    const known = script.participants.find((p) => p.id === a.participant)?.email ?? null;
    if (a.type === "update" && a.email !== undefined) email.set(a.participant, a.email);
    // Recall fills the email on update, never on join.
    const current = a.type === "join" ? null : email.get(a.participant) ?? known;
    const chat = a.type === "chat_message" ? { text: a.text ?? "", to: a.to ?? "everyone" } : null;
    return { atMs: ms(a.at), event: `participant_events.${a.type}`, spec: { kind: "participant", participant: a.participant, at: a.at, chat, email: current } };
  });
}

function speechFrames(script: MeetingScript, partials: boolean): Frame[] {
  const out: Frame[] = [];
  for (const u of script.utterances) {
    const words = wordsOf(u.text).map((text, i): WordSpan => {
      const start = round(u.at + i * WORD_SECONDS);
      return { text, start, end: round(start + WORD_SOUND_SECONDS) };
    });
    const end = utteranceEnd(u);
    const speaker = { kind: "participant" as const, participant: u.speaker, chat: null, email: emailAt(script, u.speaker, u.at) };
    out.push({ atMs: ms(u.at), event: "participant_events.speech_on", spec: { ...speaker, at: u.at } });
    if (partials) {
      for (const n of partialLengths(words.length)) {
        out.push({ atMs: ms(words[n - 1]!.end + 0.2), event: "transcript.partial_data", spec: { kind: "transcript", participant: u.speaker, words: words.slice(0, n) } });
      }
    }
    out.push({ atMs: ms(end), event: "participant_events.speech_off", spec: { ...speaker, at: round(end) } });
    out.push({ atMs: ms(end + FINAL_LATENCY), event: "transcript.data", spec: { kind: "transcript", participant: u.speaker, words } });
  }
  return out;
}

/** The word counts of an utterance's partials: every 3 words (every word when short); at least one. */
export function partialLengths(words: number): number[] {
  const step = words <= PARTIAL_EVERY ? 1 : PARTIAL_EVERY;
  const out: number[] = [];
  for (let n = step; n < words; n += step) out.push(n);
  return out.length > 0 ? out : [words];
}

function emailAt(script: MeetingScript, participant: number, at: number): string | null {
  const update = script.actions.filter((a) => a.participant === participant && a.type === "update" && a.at <= at && a.email !== undefined).at(-1);
  return update?.email ?? script.participants.find((p) => p.id === participant)?.email ?? null;
}

/** [from, to) seconds a participant is in the meeting, one span per join. */
export function presence(script: MeetingScript, participant: number): { from: number; to: number }[] {
  return spans(script, participant, "join", "leave");
}

function spans(script: MeetingScript, participant: number, on: ScriptAction["type"], off: ScriptAction["type"]): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  let start: number | null = null;
  for (const a of script.actions) {
    if (a.participant !== participant) continue;
    if (a.type === on && start === null) start = a.at;
    // Leaving ends everything the participant had on.
    if ((a.type === off || a.type === "leave") && start !== null) {
      out.push({ from: start, to: a.at });
      start = null;
    }
  }
  if (start !== null) out.push({ from: start, to: script.duration });
  return out;
}

function audioFrames(script: MeetingScript, mode: RawAudio, chunkMs: number): Frame[] {
  const out: Frame[] = [];
  const total = ms(script.duration);
  const event = mode === "mixed" ? "audio_mixed_raw.data" : "audio_separate_raw.data";
  const streams = mode === "mixed" ? [{ participant: null, spans: [{ from: 0, to: script.duration }] }]
    : script.participants.map((p) => ({ participant: p.id, spans: presence(script, p.id) }));
  for (let fromMs = 0; fromMs < total; fromMs += chunkMs) {
    for (const stream of streams) {
      if (!stream.spans.some((s) => fromMs >= ms(s.from) && fromMs < ms(s.to))) continue;
      out.push({ atMs: fromMs + chunkMs, event, spec: { kind: "audio", participant: stream.participant, fromMs, ms: chunkMs } });
    }
  }
  return out;
}

function videoFrames(script: MeetingScript): Frame[] {
  const out: Frame[] = [];
  for (const p of script.participants) {
    for (const type of ["webcam", "screenshare"] as const) {
      for (const span of spans(script, p.id, `${type}_on`, `${type}_off`)) {
        for (let at = ms(span.from); at < ms(span.to); at += VIDEO_EVERY_MS) {
          out.push({ atMs: at, event: "video_separate_png.data", spec: { kind: "video", participant: p.id, type, at: at / 1000 } });
        }
      }
    }
  }
  return out;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
