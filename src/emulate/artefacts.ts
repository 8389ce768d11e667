import { isoMicros } from "../recall/build-parts.js";
import { type Frame, expandScript } from "../realtime/frames.js";
import { pcmChunk, SAMPLE_RATE } from "../realtime/media.js";
import { voicesOf } from "../realtime/bodies.js";
import type { MeetingScript, ScriptParticipant } from "../realtime/script.js";
import { recordedAt } from "./recording.js";

// The downloads of an emulated meeting, in Recall's download schemas (recall-api.md §6), built from
// the same frames the real-time stream sends (realtime/frames.ts) and cut where the recording was:
// a transcript part is in the download exactly when its transcript.data was due while recording, so
// what an app downloads matches what it was streamed.

/** What the downloads need of a recording: how much was recorded, and when each stretch was. */
export interface RecordedSpan {
  /** Ms of recording (pauses excluded); frames due before it were recorded. */
  readonly recordedMs: number;
  /** Seconds the media lasts: the recording's length, padded as Recall pads short ones. */
  readonly seconds: number;
  /** Each (re)start of recording: its meeting time (epoch ms) and the ms of recording it began at. */
  readonly periods: ReadonlyArray<{ readonly at: number; readonly fromMs: number }>;
}

type Json = Record<string, unknown>;

/** The meeting as the downloads see it: the script and its frames (speech and participant events). */
export class MeetingArtefacts {
  readonly script: MeetingScript;
  readonly #frames: readonly Frame[];

  constructor(script: MeetingScript) {
    this.script = script;
    this.#frames = expandScript(script);
  }

  /** Transcript parts: one per utterance recorded, as its transcript.data carried it. */
  transcript(span: RecordedSpan): Json[] {
    return this.#recorded(span, "transcript.data").flatMap((f) => (f.spec.kind !== "transcript" ? [] : [{
      participant: this.#person(f.spec.participant, null),
      words: f.spec.words.map((w) => ({ text: w.text, start_timestamp: stamp(span, w.start), end_timestamp: stamp(span, w.end) })),
    }]));
  }

  /** Every participant event recorded: joins, leaves, speech, webcam, screenshare, chat. */
  participantEvents(span: RecordedSpan, recordingId: string): Json[] {
    return this.#recorded(span, "participant_events.").flatMap((f, i) => (f.spec.kind !== "participant" ? [] : [{
      id: `${recordingId.slice(0, 8)}-${String(i).padStart(5, "0")}`, action: f.event.slice("participant_events.".length),
      participant: this.#person(f.spec.participant, f.spec.email), timestamp: stamp(span, f.spec.at), data: f.spec.chat,
    }]));
  }

  /** Who spoke when: one entry per utterance recorded, from its first word to its last. */
  speakerTimeline(span: RecordedSpan): Json[] {
    return this.#recorded(span, "transcript.data").flatMap((f) => (f.spec.kind !== "transcript" || f.spec.words.length === 0 ? [] : [{
      participant: this.#person(f.spec.participant, null),
      start_timestamp: stamp(span, f.spec.words[0]!.start), end_timestamp: stamp(span, f.spec.words.at(-1)!.end),
    }]));
  }

  /** Everyone who joined while recording, with the email they last showed. */
  participants(span: RecordedSpan): Json[] {
    const events = this.#recorded(span, "participant_events.");
    return this.script.participants.filter((p) => events.some((f) => f.event === "participant_events.join" && f.spec.kind === "participant" && f.spec.participant === p.id))
      .map((p) => {
        const last = events.filter((f) => f.spec.kind === "participant" && f.spec.participant === p.id && f.spec.email !== null).at(-1);
        return this.#person(p.id, last?.spec.kind === "participant" ? last.spec.email : null);
      });
  }

  /** Every word said while recording, in order. */
  words(span: RecordedSpan): string[] {
    return this.#recorded(span, "transcript.data").flatMap((f) => (f.spec.kind === "transcript" ? f.spec.words.map((w) => w.text) : []));
  }

  /**
   * A WAV exactly as long as the recording: 16 kHz 16-bit mono PCM, each speaker at their own pitch
   * while speaking (the same synthesis as the raw audio stream), silence otherwise.
   */
  wav(span: RecordedSpan): Buffer {
    const pcm = pcmChunk(voicesOf(this.script).get(null) ?? [], 0, Math.round(span.seconds * 1000));
    const head = Buffer.alloc(44);
    head.write("RIFF", 0, "ascii");
    head.writeUInt32LE(36 + pcm.length, 4);
    head.write("WAVEfmt ", 8, "ascii");
    head.writeUInt32LE(16, 16);
    head.writeUInt16LE(1, 20); // PCM
    head.writeUInt16LE(1, 22); // mono
    head.writeUInt32LE(SAMPLE_RATE, 24);
    head.writeUInt32LE(SAMPLE_RATE * 2, 28);
    head.writeUInt16LE(2, 32);
    head.writeUInt16LE(16, 34);
    head.write("data", 36, "ascii");
    head.writeUInt32LE(pcm.length, 40);
    return Buffer.concat([head, pcm]);
  }

  #recorded(span: RecordedSpan, prefix: string): Frame[] {
    return this.#frames.filter((f) => f.atMs < span.recordedMs && f.event.startsWith(prefix));
  }

  #person(id: number, email: string | null): Json {
    const p: ScriptParticipant | undefined = this.script.participants.find((x) => x.id === id);
    return { id, name: p?.name ?? null, is_host: p?.isHost ?? null, platform: p?.platform ?? "unknown", extra_data: { ...p?.extraData }, email: email ?? p?.email ?? null };
  }
}

/** `relative` is seconds of recording (as the stream sends it); `absolute` the meeting time it was recorded. */
function stamp(span: RecordedSpan, seconds: number): Json {
  return { relative: Math.round(seconds * 1000) / 1000, absolute: isoMicros(new Date(recordedAt(span.periods, seconds * 1000))) };
}
