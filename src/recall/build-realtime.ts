import type { BuildContext } from "./build-parts.js";
import { participantBody, resourceEntries, timestampBody } from "./build-parts.js";

// Real-time endpoint payloads (recall-webhooks.md §4.2, §9): the event data under data.data, then
// realtime_endpoint, the media resource, recording and bot.

const RELATIVE = 12.34;

/**
 * 10 ms of a 440 Hz tone as PCM S16LE, 16 kHz mono, in base64: deterministic and realistic. Made on
 * first use: at load it was half a millisecond of every `sign`'s start-up (npm run bench).
 */
let pcmChunk: string | undefined;

function pcmChunkBase64(): string {
  if (pcmChunk !== undefined) return pcmChunk;
  const samples = 160;
  const buf = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) {
    buf.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 16000)), i * 2);
  }
  return (pcmChunk = buf.toString("base64"));
}

/** A 1x1 PNG (real frames are 360x640; the size keeps fixtures readable). */
const PNG_FRAME =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

/** `{data: inner, realtime_endpoint, <resource>, recording, bot}`, each resource as `{id, metadata}`. */
export function realtimeEnvelope(ctx: BuildContext, resource: string, inner: Record<string, unknown>): Record<string, unknown> {
  return { data: inner, ...resourceEntries(ctx, ["realtime_endpoint", resource, "recording", "bot"]) };
}

const envelope = realtimeEnvelope;

/** A word of transcript.data: its text and when it was said (relative seconds, absolute ISO time). */
export interface WordTiming {
  readonly text: string;
  readonly start_timestamp: { readonly relative: number; readonly absolute: string };
  readonly end_timestamp: { readonly relative: number; readonly absolute: string } | null;
}

/** `participant_events.*` data: the participant, when, and the chat message (null for other actions). */
export function participantEventData(
  ctx: BuildContext, participant: Record<string, unknown>, timestamp: Record<string, unknown>, data: Record<string, unknown> | null,
): Record<string, unknown> {
  return envelope(ctx, "participant_events", { participant, timestamp, data });
}

/** `transcript.data` / `transcript.partial_data` data. */
export function transcriptData(ctx: BuildContext, words: readonly WordTiming[], participant: Record<string, unknown>): Record<string, unknown> {
  return envelope(ctx, "transcript", { words, participant });
}

/** Raw media data: base64 buffer and timestamp; a participant for separate streams, a type for video. */
export function rawMediaData(
  ctx: BuildContext, resource: string, buffer: string, timestamp: Record<string, unknown>,
  participant?: Record<string, unknown>, type?: "webcam" | "screenshare",
): Record<string, unknown> {
  const inner: Record<string, unknown> = { buffer, timestamp };
  if (type !== undefined) inner["type"] = type;
  if (participant !== undefined) inner["participant"] = participant;
  return envelope(ctx, resource, inner);
}

function participantEvent(ctx: BuildContext, action: string): Record<string, unknown> {
  const participant = participantBody(ctx, true);
  if (action === "update" && ctx.options.participant?.email === undefined) participant["email"] = "ada@example.com";
  const data = action === "chat_message" ? { text: ctx.options.text ?? "Hello everyone!", to: "everyone" } : null;
  return participantEventData(ctx, participant, timestampBody(ctx, RELATIVE), data);
}

function words(ctx: BuildContext, text: string): WordTiming[] {
  const start = ctx.now.getTime();
  return text.split(/\s+/).filter((w) => w !== "").map((word, i) => {
    const from = 3.2 + i * 0.4;
    const to = from + 0.35;
    return {
      text: word,
      start_timestamp: { relative: round(from), absolute: new Date(start + i * 400).toISOString() },
      end_timestamp: { relative: round(to), absolute: new Date(start + i * 400 + 350).toISOString() },
    };
  });
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function transcriptEvent(ctx: BuildContext, partial: boolean): Record<string, unknown> {
  const text = ctx.options.text ?? (partial ? "Hey, my name" : "Hey, my name is Ada.");
  return transcriptData(ctx, words(ctx, text), participantBody(ctx, false));
}

function providerEvent(ctx: BuildContext): Record<string, unknown> {
  // The provider's own message, as a Deepgram-style result; Recall passes it through untouched.
  const transcript = ctx.options.text ?? "Hey, my name is Ada.";
  const payload = {
    type: "Results",
    is_final: true,
    start: 3.2,
    duration: 1.7,
    channel: { alternatives: [{ transcript, confidence: 0.98 }] },
  };
  return envelope(ctx, "transcript", { data: { payload } });
}

function rawEvent(ctx: BuildContext, resource: string): Record<string, unknown> {
  const timestamp = timestampBody(ctx, RELATIVE);
  if (resource === "audio_mixed") return rawMediaData(ctx, resource, pcmChunkBase64(), timestamp);
  if (resource === "audio_separate") return rawMediaData(ctx, resource, pcmChunkBase64(), timestamp, participantBody(ctx, false));
  return rawMediaData(ctx, resource, PNG_FRAME, timestamp, participantBody(ctx, false), "webcam");
}

/** The `data` of a real-time event, or undefined when the name is not a real-time event this knows. */
export function buildRealtimeData(ctx: BuildContext, name: string, resource: string): Record<string, unknown> | undefined {
  if (name.startsWith("participant_events.")) return participantEvent(ctx, name.slice("participant_events.".length));
  switch (name) {
    case "transcript.data":
      return transcriptEvent(ctx, false);
    case "transcript.partial_data":
      return transcriptEvent(ctx, true);
    case "transcript.provider_data":
      return providerEvent(ctx);
    case "audio_mixed_raw.data":
    case "audio_separate_raw.data":
    case "video_separate_png.data":
      return rawEvent(ctx, resource);
    default:
      return undefined;
  }
}
