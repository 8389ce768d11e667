import type { Basis, EventInfo } from "./types.js";

// Every event type in recall-webhooks.md. Descriptions paraphrase Recall's docs; `basis` records where
// the event name comes from (a resource key that is only inferred is noted in the description).

function status(name: string, code: string, resource: string, description: string, basis: Basis = "documented"): EventInfo {
  return { name, family: familyOf(name), description, channel: "svix", shape: "status", code, resource, basis };
}

function realtime(name: string, resource: string, description: string, basis: Basis = "documented"): EventInfo {
  return { name, family: familyOf(name), description, channel: "realtime", shape: "realtime", resource, basis };
}

function callEvent(name: string, description: string, basis: Basis): EventInfo {
  return { name, family: "bot", description, channel: "call_events", shape: "call_event", resource: "bot", basis };
}

function familyOf(name: string): string {
  const dot = name.indexOf(".");
  return dot === -1 ? name : name.slice(0, dot);
}

const BOT_STATUS: readonly EventInfo[] = [
  status("bot.joining_call", "joining_call", "bot", "The bot accepted the join request and is connecting to the call."),
  status("bot.in_waiting_room", "in_waiting_room", "bot", "The bot is waiting in the meeting's waiting room."),
  status("bot.in_call_not_recording", "in_call_not_recording", "bot", "The bot is in the call but not recording: still setting up, lacking permission, or paused."),
  status("bot.recording_permission_allowed", "recording_permission_allowed", "bot", "The host allowed the bot's request to record (Zoom)."),
  status("bot.recording_permission_denied", "recording_permission_denied", "bot", "The bot's request to record was denied; the sub code says why (Zoom)."),
  status("bot.in_call_recording", "in_call_recording", "bot", "The bot is in the call and recording; real-time endpoints only receive events in this state."),
  status("bot.call_ended", "call_ended", "bot", "The bot left the call and real-time transcription is complete; the sub code says why."),
  status("bot.done", "done", "bot", "The bot shut down; if it recorded, the media is uploaded and downloadable."),
  status("bot.fatal", "fatal", "bot", "An error prevented the bot from joining the call; the sub code says why."),
];

// Third-party only: no Recall page documents these or their payload; the status shape and code are guesses.
const BREAKOUT_ACTIONS: readonly (readonly [string, string])[] = [
  ["entered", "The bot entered a breakout room (third-party only; payload undocumented)."],
  ["left", "The bot left a breakout room (third-party only; payload undocumented)."],
  ["opened", "Breakout rooms were opened in the meeting (third-party only; payload undocumented)."],
  ["closed", "Breakout rooms were closed in the meeting (third-party only; payload undocumented)."],
];

const BOT_BREAKOUT: readonly EventInfo[] = BREAKOUT_ACTIONS.map(([action, description]) =>
  status(`bot.breakout_room_${action}`, `breakout_room_${action}`, "bot", description, "third-party"));

const BOT_LEGACY: readonly EventInfo[] = [
  { name: "bot.status_change", family: "bot", description: "v1.10 single status event: the bot's new status is under data.status, with a human-readable message.", channel: "svix", shape: "legacy_status", resource: "bot", basis: "legacy" },
  { name: "bot.log", family: "bot", description: "v1.10 bot log line for failures such as a chat message that could not be sent.", channel: "svix", shape: "legacy_log", resource: "bot", basis: "legacy" },
  { name: "bot.output_log", family: "bot", description: "v1.10 output log line: real-time transcription errors, Zoom OAuth warnings and RTMP errors.", channel: "svix", shape: "legacy_log", resource: "bot", basis: "legacy" },
];

const RECORDING: readonly EventInfo[] = [
  status("recording.processing", "processing", "recording", "The recording started and is being processed."),
  status("recording.done", "done", "recording", "The recording completed and all of its media is available."),
  status("recording.failed", "failed", "recording", "The recording failed; the sub code says why (no documented list)."),
  status("recording.deleted", "deleted", "recording", "The recording was deleted from Recall."),
  status("recording.paused", "paused", "recording", "The recording was paused (only in Recall's sample-app schema, not in the docs).", "inferred"),
];

/** Media objects that report `<media>.processing|done|failed|deleted`. */
export const MEDIA_TYPES = [
  "participant_events", "transcript", "video_mixed", "video_separate", "audio_mixed", "audio_separate", "meeting_metadata",
] as const;

const MEDIA_LABEL: Readonly<Record<(typeof MEDIA_TYPES)[number], string>> = {
  participant_events: "participant events",
  transcript: "transcript",
  video_mixed: "mixed video",
  video_separate: "separate (per-participant) video",
  audio_mixed: "mixed audio",
  audio_separate: "separate (per-participant) audio",
  meeting_metadata: "meeting metadata",
};

function mediaEvents(media: (typeof MEDIA_TYPES)[number]): EventInfo[] {
  const label = MEDIA_LABEL[media];
  // Only participant_events and transcript have a documented resource key; the rest follow the same pattern.
  const keyNote = media === "participant_events" || media === "transcript" ? "" : " (resource key inferred)";
  const failed = media === "transcript"
    ? "Transcription failed; the sub code says why (for example provider_connection_failed)."
    : `The ${label} object failed; a sub code is sent but its values are undocumented${keyNote}.`;
  return [
    status(`${media}.processing`, "processing", media, `The ${label} object is being processed${keyNote}.`),
    status(`${media}.done`, "done", media, `The ${label} object is ready to download${keyNote}.`),
    status(`${media}.failed`, "failed", media, failed),
    status(`${media}.deleted`, "deleted", media, `The ${label} object was deleted from Recall${keyNote}.`),
  ];
}

const MEDIA: readonly EventInfo[] = MEDIA_TYPES.flatMap(mediaEvents);

const SDK_UPLOAD: readonly EventInfo[] = [
  status("sdk_upload.recording_started", "recording_started", "sdk_upload", "The Desktop SDK started recording a meeting."),
  status("sdk_upload.recording_ended", "recording_ended", "sdk_upload", "The Desktop SDK stopped recording the meeting."),
  status("sdk_upload.uploading", "uploading", "sdk_upload", "The Desktop SDK is uploading the recording (no longer listed in the newest docs).", "legacy"),
  status("sdk_upload.complete", "complete", "sdk_upload", "The Desktop SDK upload finished and the recording is available."),
  status("sdk_upload.failed", "failed", "sdk_upload", "The Desktop SDK upload failed."),
];

const CALENDAR: readonly EventInfo[] = [
  { name: "calendar.update", family: "calendar", description: "A Calendar V2 calendar changed (for example it was disconnected); re-fetch the calendar.", channel: "svix", shape: "calendar", resource: "calendar", basis: "documented" },
  { name: "calendar.sync_events", family: "calendar", description: "A Calendar V2 calendar's events changed; list events updated since last_updated_ts.", channel: "svix", shape: "calendar", resource: "calendar", basis: "documented" },
];

const PARTICIPANT_ACTIONS: readonly (readonly [string, string])[] = [
  ["join", "A participant joined the call."],
  ["leave", "A participant left the call."],
  ["update", "A participant's details changed (for example an email matched to a calendar attendee)."],
  ["speech_on", "A participant started speaking (behaviour depends on the platform)."],
  ["speech_off", "A participant stopped speaking (behaviour depends on the platform)."],
  ["webcam_on", "A participant turned their webcam on."],
  ["webcam_off", "A participant turned their webcam off."],
  ["screenshare_on", "A participant started sharing their screen."],
  ["screenshare_off", "A participant stopped sharing their screen."],
  ["chat_message", "A participant sent a chat message; the text is in data.data.data."],
];

const REALTIME: readonly EventInfo[] = [
  ...PARTICIPANT_ACTIONS.map(([action, description]) => realtime(`participant_events.${action}`, "participant_events", description)),
  realtime("transcript.data", "transcript", "A final transcribed utterance with words and timestamps."),
  realtime("transcript.partial_data", "transcript", "A low-latency partial utterance, later superseded by transcript.data."),
  realtime("transcript.provider_data", "transcript", "The transcription provider's raw message, under data.data.data.payload (seen in Recall's desktop sample app).", "inferred"),
  realtime("audio_mixed_raw.data", "audio_mixed", "A chunk of mixed raw audio: base64 PCM S16LE, 16 kHz mono (websocket only)."),
  realtime("audio_separate_raw.data", "audio_separate", "A chunk of one participant's raw audio: base64 PCM S16LE, 16 kHz mono (websocket only)."),
  realtime("video_separate_png.data", "video_separate", "A PNG frame of one participant's webcam or screenshare, 2 fps at 360x640 (websocket only)."),
];

const CALL_EVENTS: readonly EventInfo[] = [
  callEvent("bot.participant_join", "Call Events: a participant joined the call.", "documented"),
  callEvent("bot.participant_leave", "Call Events: a participant left the call.", "documented"),
  callEvent("bot.active_speaker_notify", "Call Events: the active speaker changed.", "documented"),
  callEvent("bot.participant_screen_on", "Call Events (v1.10): a participant started screensharing.", "legacy"),
  callEvent("bot.participant_screen_off", "Call Events (v1.10): a participant stopped screensharing.", "legacy"),
  callEvent("bot.participant_in_waiting_room", "Call Events (v1.10): a participant is in the waiting room.", "legacy"),
];

export const EVENTS: readonly EventInfo[] = [
  ...BOT_STATUS, ...BOT_LEGACY, ...BOT_BREAKOUT, ...RECORDING, ...MEDIA, ...SDK_UPLOAD, ...CALENDAR, ...REALTIME, ...CALL_EVENTS,
];
