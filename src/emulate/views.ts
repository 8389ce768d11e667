import { isoMicros } from "../recall/build-parts.js";
import type { BotState, MediaState, MediaStatus, RecordingState } from "./state.js";

// The JSON an app reads back: Recall's Bot, Recording, media and Transcript objects (recall-api.md
// §5, §6), from the emulator's state. Download URLs stay null until their media is done.

type Json = Record<string, unknown>;

const iso = (ms: number | null): string | null => (ms === null ? null : isoMicros(new Date(ms)));

function status(s: MediaStatus): Json {
  return { code: s.code, sub_code: s.sub_code, updated_at: iso(s.at) };
}

export function downloadUrl(base: string, kind: string, media: MediaState): string | null {
  return media.status.code === "done" ? `${base}/api/v1/download/${kind}?token=${media.id}` : null;
}

export function mediaView(base: string, media: MediaState, recording?: RecordingState): Json {
  const out: Json = { id: media.id, created_at: iso(media.createdAt), status: status(media.status), metadata: { ...media.metadata } };
  if (recording !== undefined) out["recording"] = { id: recording.id, metadata: { ...recording.metadata } };
  switch (media.kind) {
    case "video_mixed": out["format"] = "mp4"; out["data"] = { download_url: downloadUrl(base, "video_mixed", media) }; break;
    case "audio_mixed": out["format"] = "wav"; out["data"] = { download_url: downloadUrl(base, "audio_mixed", media) }; break;
    case "transcript":
      out["data"] = { download_url: downloadUrl(base, "transcript", media), provider_data_download_url: downloadUrl(base, "provider_data", media) };
      out["diarization"] = media.diarization ?? null;
      out["provider"] = media.provider ?? {};
      break;
    case "participant_events":
      out["data"] = {
        participant_events_download_url: downloadUrl(base, "participant_events", media),
        speaker_timeline_download_url: downloadUrl(base, "speaker_timeline", media),
        participants_download_url: downloadUrl(base, "participants", media),
      };
      break;
    case "meeting_metadata": out["data"] = media.status.code === "done" ? { title: media.title ?? null, zoom: null } : null; break;
  }
  return out;
}

const SHORTCUTS = ["video_mixed", "transcript", "participant_events", "meeting_metadata", "audio_mixed"];

export function recordingView(base: string, bot: BotState, recording: RecordingState, withBot: boolean): Json {
  const shortcuts: Json = {};
  for (const kind of SHORTCUTS) {
    const media = recording.media.find((m) => m.kind === kind);
    shortcuts[kind] = media === undefined ? null : mediaView(base, media);
  }
  const retention = (bot.config["recording_config"] as Json | undefined)?.["retention"] as Json | null | undefined;
  const hours = retention?.["type"] === "timed" && typeof retention["hours"] === "number" ? retention["hours"] : null;
  const out: Json = {
    id: recording.id, created_at: iso(recording.createdAt), started_at: iso(recording.startedAt), completed_at: iso(recording.completedAt),
    expires_at: hours !== null && recording.completedAt !== null ? iso(recording.completedAt + hours * 3_600_000) : null,
    status: status(recording.status), metadata: { ...recording.metadata }, media_shortcuts: shortcuts,
  };
  if (withBot) {
    const endpoints = ((bot.config["recording_config"] as Json | undefined)?.["realtime_endpoints"] ?? []) as Json[];
    out["realtime_endpoints"] = recording.endpointIds.map((id, i) => ({ id, metadata: { ...(endpoints[i]?.["metadata"] as Json | undefined) } }));
    out["bot"] = { id: bot.id, metadata: { ...(bot.config["metadata"] as Json) } };
    out["desktop_sdk_upload"] = null;
  }
  return out;
}

const BOT_KEYS = [
  "meeting_url", "bot_name", "join_at", "recording_config", "status_changes", "recordings", "output_media", "automatic_video_output",
  "automatic_audio_output", "chat", "automatic_leave", "variant", "calendar_meetings", "zoom", "google_meet", "slack_team", "breakout_room", "metadata",
];

export function botView(base: string, bot: BotState): Json {
  const out: Json = { id: bot.id };
  for (const key of BOT_KEYS) {
    if (key === "status_changes") out[key] = bot.statusChanges.map((s) => ({ code: s.code, message: s.message, created_at: iso(s.at), sub_code: s.sub_code }));
    else if (key === "recordings") out[key] = bot.recordings.map((r) => recordingView(base, bot, r, false));
    // join_at reads back only while the bot is scheduled and has not joined.
    else if (key === "join_at") out[key] = bot.joinAt !== null && bot.statusChanges.length === 0 ? iso(bot.joinAt) : null;
    else if (key === "calendar_meetings") out[key] = [];
    else if (key === "slack_team") out[key] = null;
    else out[key] = bot.config[key] ?? null;
  }
  return out;
}

export function transcriptView(base: string, bot: BotState, recording: RecordingState, transcript: MediaState): Json {
  const view = mediaView(base, transcript, recording);
  return { ...view, expires_at: null, bot: { id: bot.id, metadata: { ...(bot.config["metadata"] as Json) } } };
}
