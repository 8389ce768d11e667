import { isoMicros } from "../recall/build-parts.js";
import { type Meeting, type MeetingParticipant, type Utterance, utteranceEnd, WORD_SECONDS } from "./meeting.js";

// The downloads of an emulated meeting, in Recall's download schemas (recall-api.md §6): built from the
// meeting script and cut to the recording's length, so what an app downloads matches what happened.

export interface RecordingSpan {
  /** Epoch ms of the latest in_call_recording: every `relative` counts from here. */
  readonly startedAt: number;
  /** Seconds of meeting recorded. */
  readonly seconds: number;
}

type Json = Record<string, unknown>;

function participantBody(p: MeetingParticipant | undefined, id: number): Json {
  return {
    id, name: p?.name ?? null, is_host: p?.isHost ?? null, platform: p?.platform ?? "unknown", extra_data: {}, email: p?.email ?? null,
  };
}

function stamp(span: RecordingSpan, relative: number): Json {
  return { relative: round(relative), absolute: isoMicros(new Date(span.startedAt + relative * 1000)) };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** Utterances said while recording. */
function spoken(meeting: Meeting, span: RecordingSpan): Utterance[] {
  return meeting.utterances.filter((u) => utteranceEnd(u) <= span.seconds);
}

function byId(meeting: Meeting): Map<number, MeetingParticipant> {
  return new Map(meeting.participants.map((p) => [p.id, p]));
}

/** Transcript parts: one per utterance, a word each with its timestamps. */
export function transcriptParts(meeting: Meeting, span: RecordingSpan): Json[] {
  const people = byId(meeting);
  return spoken(meeting, span).map((u) => ({
    participant: participantBody(people.get(u.participantId), u.participantId),
    words: u.text.split(/\s+/).filter(Boolean).map((text, i) => ({
      text,
      start_timestamp: stamp(span, u.start + i * WORD_SECONDS),
      end_timestamp: stamp(span, u.start + (i + 1) * WORD_SECONDS - 0.05),
    })),
  }));
}

export function participants(meeting: Meeting): Json[] {
  return meeting.participants.map((p) => participantBody(p, p.id));
}

/** Everyone joins in the first second; speech_on/off around each utterance; everyone leaves at the end. */
export function participantEvents(meeting: Meeting, span: RecordingSpan): Json[] {
  const people = byId(meeting);
  const events: Array<{ at: number; action: string; id: number }> = [];
  meeting.participants.forEach((p, i) => events.push({ at: 0.2 * i, action: "join", id: p.id }));
  for (const u of spoken(meeting, span)) {
    events.push({ at: u.start, action: "speech_on", id: u.participantId });
    events.push({ at: utteranceEnd(u), action: "speech_off", id: u.participantId });
  }
  meeting.participants.forEach((p, i) => events.push({ at: Math.max(0, span.seconds - 0.5 + 0.1 * i), action: "leave", id: p.id }));
  events.sort((a, b) => a.at - b.at);
  return events.map((e, i) => ({
    id: `${e.id}-${i}`, action: e.action, participant: participantBody(people.get(e.id), e.id), timestamp: stamp(span, e.at), data: null,
  }));
}

export function speakerTimeline(meeting: Meeting, span: RecordingSpan): Json[] {
  const people = byId(meeting);
  return spoken(meeting, span).map((u) => ({
    participant: participantBody(people.get(u.participantId), u.participantId),
    start_timestamp: stamp(span, u.start),
    end_timestamp: stamp(span, utteranceEnd(u)),
  }));
}

export function meetingMetadata(meeting: Meeting): Json {
  return { title: meeting.title, zoom: null };
}

/** Every word said while recording, in order (tests and the README use it). */
export function spokenWords(meeting: Meeting, span: RecordingSpan): string[] {
  return spoken(meeting, span).flatMap((u) => u.text.split(/\s+/).filter(Boolean));
}

const RATE = 8_000;

/**
 * A mono 8 kHz 8-bit WAV exactly `seconds` long: silence, with a soft tone while someone speaks. Small
 * (8 kB a second) and generated here; nothing is downloaded.
 */
export function wav(meeting: Meeting, span: RecordingSpan): Buffer {
  const samples = Math.max(0, Math.round(span.seconds * RATE));
  const out = Buffer.alloc(44 + samples, 128);
  out.write("RIFF", 0, "ascii");
  out.writeUInt32LE(36 + samples, 4);
  out.write("WAVEfmt ", 8, "ascii");
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(1, 22); // mono
  out.writeUInt32LE(RATE, 24);
  out.writeUInt32LE(RATE, 28); // byte rate: 8-bit mono
  out.writeUInt16LE(1, 32);
  out.writeUInt16LE(8, 34);
  out.write("data", 36, "ascii");
  out.writeUInt32LE(samples, 40);
  for (const u of spoken(meeting, span)) {
    const pitch = 180 + (u.participantId % 7) * 40;
    const from = Math.floor(u.start * RATE);
    const to = Math.min(samples, Math.floor(utteranceEnd(u) * RATE));
    for (let i = from; i < to; i += 1) out[44 + i] = 128 + Math.round(24 * Math.sin((2 * Math.PI * pitch * i) / RATE));
  }
  return out;
}
