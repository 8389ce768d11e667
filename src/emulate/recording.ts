import { isoMicros } from "../recall/build-parts.js";
import { type BotState, type MediaState, type MediaStatus, type RecordingState, recordedMs } from "./state.js";

// What a status change does to a bot's recordings (recall-api.md §6, §9): the recording exists from
// in_call_recording, pauses while not recording, completes at call_ended, and its media become done
// after the call. Each function mutates the state and returns the webhooks to send, in order.

export interface Message {
  readonly event: string;
  readonly body: unknown;
}

type Json = Record<string, unknown>;

/** Recordings shorter than this are padded to it with blank media (Recall does the same). */
export const MIN_RECORDING_SECONDS = 10;

export function botRef(bot: BotState): Json {
  return { id: bot.id, metadata: { ...(bot.config["metadata"] as Record<string, string>) } };
}

const ref = (x: { id: string; metadata: Record<string, string> }): Json => ({ id: x.id, metadata: { ...x.metadata } });

function statusData(code: string, subCode: string | null, at: number): Json {
  return { code, sub_code: subCode, updated_at: isoMicros(new Date(at)) };
}

export function botMessage(bot: BotState, code: string, subCode: string | null, at: number): Message {
  return { event: `bot.${code}`, body: { event: `bot.${code}`, data: { data: statusData(code, subCode, at), bot: botRef(bot) } } };
}

export function recordingMessage(bot: BotState, recording: RecordingState): Message {
  const s = recording.status;
  const event = `recording.${s.code}`;
  return { event, body: { event, data: { data: statusData(s.code, s.sub_code, s.at), recording: ref(recording), bot: botRef(bot) } } };
}

export function mediaMessage(bot: BotState, recording: RecordingState, media: MediaState): Message {
  const s = media.status;
  const event = `${media.kind}.${s.code}`;
  const data = { data: statusData(s.code, s.sub_code, s.at), [media.kind]: ref(media), recording: ref(recording), bot: botRef(bot) };
  return { event, body: { event, data } };
}

const status = (code: MediaStatus["code"], at: number, subCode: string | null = null): MediaStatus => ({ code, sub_code: subCode, at });

/** The media a recording makes, from recording_config (null disables one). */
function mediaKinds(config: Json): string[] {
  const kinds: string[] = [];
  if (config["video_mixed_mp4"] != null) kinds.push("video_mixed");
  if (config["audio_mixed_mp3"] != null || config["audio_mixed_raw"] != null) kinds.push("audio_mixed");
  if (config["participant_events"] != null) kinds.push("participant_events");
  if (config["transcript"] != null) kinds.push("transcript");
  if (config["meeting_metadata"] != null) kinds.push("meeting_metadata");
  return kinds;
}

function openRecording(bot: BotState): RecordingState | undefined {
  return bot.recordings.find((r) => r.completedAt === null);
}

/** in_call_recording: resume a paused recording, or start a new one. */
export function startRecording(bot: BotState, at: number, uuid: () => string, title: string): Message[] {
  const open = openRecording(bot);
  if (open !== undefined) {
    if (open.status.code !== "paused") return [];
    open.pausedMs += at - (open.pausedAt ?? at);
    open.pausedAt = null;
    open.status = status("processing", at);
    (open.periods ??= []).push({ at, fromMs: recordedMs(open, at) });
    return [recordingMessage(bot, open)];
  }
  const config = (bot.config["recording_config"] ?? {}) as Json;
  const endpoints = Array.isArray(config["realtime_endpoints"]) ? config["realtime_endpoints"] : [];
  const media = mediaKinds(config).map((kind): MediaState => {
    const settings = (config[kind === "video_mixed" ? "video_mixed_mp4" : kind === "audio_mixed" ? "audio_mixed_mp3" : kind] ?? {}) as Json;
    const base = { id: uuid(), kind, createdAt: at, status: status("processing", at), metadata: metadataOf(settings) };
    if (kind === "transcript") return { ...base, provider: (settings["provider"] ?? {}) as Json, diarization: (settings["diarization"] ?? null) as Json | null };
    if (kind === "meeting_metadata") return { ...base, title };
    return base;
  });
  const recording: RecordingState = {
    id: uuid(), createdAt: at, startedAt: at, completedAt: null, status: status("processing", at), metadata: metadataOf(config),
    media, transcripts: [], endpointIds: endpoints.map(() => uuid()), pausedMs: 0, pausedAt: null, seconds: null, periods: [{ at, fromMs: 0 }],
  };
  bot.recordings.push(recording);
  return [recordingMessage(bot, recording)];
}

function metadataOf(settings: Json): Record<string, string> {
  const m = settings["metadata"];
  if (typeof m !== "object" || m === null) return {};
  return Object.fromEntries(Object.entries(m).filter((e): e is [string, string] => typeof e[1] === "string"));
}

/** in_call_not_recording after recording: the recording pauses (Recall keeps one recording). */
export function pauseRecording(bot: BotState, at: number): Message[] {
  const open = openRecording(bot);
  if (open === undefined || open.status.code !== "processing") return [];
  open.pausedAt = at;
  open.status = status("paused", at);
  return [recordingMessage(bot, open)];
}

/** stop_recording or call_ended: the open recording completes; its media is finished after the call. */
export function completeRecording(bot: BotState, at: number): RecordingState | undefined {
  const open = openRecording(bot);
  if (open === undefined) return undefined;
  if (open.pausedAt !== null) open.pausedMs += at - open.pausedAt;
  open.pausedAt = null;
  open.completedAt = at;
  open.seconds = Math.max(MIN_RECORDING_SECONDS, (at - open.startedAt - open.pausedMs) / 1000);
  return open;
}

/** Completed recordings whose media is not finished yet. */
export function unfinished(bot: BotState): RecordingState[] {
  return bot.recordings.filter((r) => r.completedAt !== null && r.status.code !== "done" && r.status.code !== "deleted" && r.status.code !== "failed");
}

/** The transcript.failed sub code a bot asked for in its metadata (`recall_hooks_transcript_failure`), or null. */
export function transcriptFailure(bot: BotState): string | null {
  const value = (bot.config["metadata"] as Record<string, string> | undefined)?.["recall_hooks_transcript_failure"];
  return value === undefined ? null : value;
}

/** recording.done, then each media object done (a transcript fails instead when the bot asked for it). */
export function finishRecording(bot: BotState, recording: RecordingState, at: (index: number) => number): Message[] {
  recording.status = status("done", at(0));
  const out = [recordingMessage(bot, recording)];
  const failure = transcriptFailure(bot);
  recording.media.forEach((media, i) => {
    media.status = media.kind === "transcript" && failure !== null ? status("failed", at(i + 1), failure) : status("done", at(i + 1));
    out.push(mediaMessage(bot, recording, media));
  });
  return out;
}

/** fatal while recording: the recording and its media fail. */
export function failRecording(bot: BotState, at: number): Message[] {
  const open = completeRecording(bot, at);
  if (open === undefined) return [];
  open.status = status("failed", at, "bot_errored");
  for (const media of open.media) media.status = status("failed", at);
  return [recordingMessage(bot, open)];
}

/** delete_media: every recording, its media and transcripts are deleted. */
export function deleteMedia(bot: BotState, at: number, only?: RecordingState): Message[] {
  const out: Message[] = [];
  for (const recording of only === undefined ? bot.recordings : [only]) {
    if (recording.status.code === "deleted") continue;
    recording.status = status("deleted", at);
    for (const media of [...recording.media, ...recording.transcripts]) media.status = status("deleted", at);
    out.push(recordingMessage(bot, recording));
  }
  bot.mediaDeleted = bot.recordings.every((r) => r.status.code === "deleted");
  return out;
}

/** What the downloads need of a completed recording (artefacts.ts). */
export function recordedSpan(recording: RecordingState): { recordedMs: number; seconds: number; periods: Array<{ at: number; fromMs: number }> } {
  return {
    recordedMs: recordedMs(recording, recording.completedAt ?? recording.createdAt), seconds: recording.seconds ?? 0,
    periods: recording.periods ?? [{ at: recording.startedAt, fromMs: 0 }],
  };
}

/** The meeting time (epoch ms) at which `ms` of recording was recorded, from the recording's periods. */
export function recordedAt(periods: ReadonlyArray<{ at: number; fromMs: number }>, ms: number): number {
  const period = periods.filter((p) => p.fromMs <= ms).at(-1) ?? periods[0];
  return period === undefined ? ms : period.at + ms - period.fromMs;
}
