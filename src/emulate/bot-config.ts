import { isObject, type JsonObject } from "../json.js";

// Create Bot: the fields Recall knows, the defaults it fills (recall-api.md §4), and validation with
// DRF's field-map errors: `{"field": ["message"]}`, nested for nested objects.

const DOCS = "(more details: https://docs.recall.ai/reference/bot_create)";
export const NOT_ALLOWED = `This field is not allowed. ${DOCS}`;

/** Fields a create or update may carry; read-only fields of the Bot object are ignored as DRF does. */
const WRITABLE = [
  "meeting_url", "bot_name", "join_at", "metadata", "recording_config", "automatic_leave", "chat", "automatic_video_output",
  "automatic_audio_output", "output_media", "variant", "zoom", "google_meet", "breakout_room",
] as const;
const READ_ONLY = ["id", "status_changes", "recordings", "calendar_meetings", "slack_team"];

const RECORDING_DEFAULTS: JsonObject = {
  transcript: null, realtime_endpoints: [], retention: { type: "timed", hours: 168 }, video_mixed_mp4: {}, participant_events: {},
  meeting_metadata: {}, video_mixed_flv: null, audio_mixed_raw: null, audio_mixed_mp3: null, audio_separate_raw: null,
  audio_separate_mp3: null, video_separate_png: null, video_separate_h264: null, video_separate_mp4: null,
  video_mixed_layout: "speaker_view", video_mixed_participant_video_when_screenshare: "overlap", start_recording_on: "participant_join",
  include_bot_in_recording: { audio: false }, metadata: {},
};

const LEAVE_DEFAULTS: JsonObject = {
  waiting_room_timeout: 1200, noone_joined_timeout: 1200, everyone_left_timeout: { timeout: 2, activate_after: null },
  in_call_not_recording_timeout: 3600, in_call_recording_timeout: null, recording_permission_denied_timeout: 30,
  silence_detection: { timeout: 3600, activate_after: 1200 },
  bot_detection: { using_participant_events: { timeout: 600, activate_after: 1200 } },
};

const TOP_DEFAULTS: JsonObject = {
  bot_name: "Meeting Notetaker", join_at: null, metadata: {}, chat: null, automatic_video_output: null, automatic_audio_output: null,
  output_media: null, variant: null, zoom: null, google_meet: null, breakout_room: { mode: "join_main_room" },
};

/** Real-time events each transport may carry (recall-api.md §8). */
const EVENT_NAMES = [
  "participant_events.join", "participant_events.leave", "participant_events.update", "participant_events.speech_on",
  "participant_events.speech_off", "participant_events.webcam_on", "participant_events.webcam_off", "participant_events.screenshare_on",
  "participant_events.screenshare_off", "participant_events.chat_message", "transcript.data", "transcript.partial_data", "transcript.provider_data",
];
const RAW_MEDIA = ["audio_mixed_raw.data", "audio_separate_raw.data", "video_separate_png.data", "video_separate_h264.data"];
const TRANSPORT_EVENTS: Readonly<Record<string, readonly string[]>> = {
  webhook: EVENT_NAMES,
  websocket: [...EVENT_NAMES, ...RAW_MEDIA],
  rtmp: ["video_mixed_flv.data"],
  desktop_sdk_callback: EVENT_NAMES,
};

export type FieldErrors = Record<string, unknown>;

export interface CheckedBody {
  readonly errors: FieldErrors | null;
  /** The accepted fields, defaults not yet filled. */
  readonly fields: JsonObject;
}

/** Validates a create (partial = false) or update (partial = true) body. */
export function checkBotBody(body: unknown, partial: boolean): CheckedBody {
  if (!isObject(body)) return { errors: { non_field_errors: ["Invalid data. Expected a dictionary, but got " + typeName(body) + "."] }, fields: {} };
  const errors: FieldErrors = {};
  const fields: JsonObject = {};
  for (const [key, value] of Object.entries(body)) {
    if (READ_ONLY.includes(key)) continue;
    if (!(WRITABLE as readonly string[]).includes(key)) errors[key] = [NOT_ALLOWED];
    else fields[key] = value;
  }
  if (!partial && !("meeting_url" in fields)) errors["meeting_url"] = ["This field is required."];
  checkField(fields, errors, "meeting_url", (v) => (typeof v === "string" && v.trim() !== "" ? null : ["Not a valid string."]));
  checkField(fields, errors, "bot_name", (v) => (typeof v !== "string" ? ["Not a valid string."] : v.length > 100 ? ["Ensure this field has no more than 100 characters."] : null));
  checkField(fields, errors, "join_at", (v) => (v === null || (typeof v === "string" && !Number.isNaN(Date.parse(v))) ? null
    : ["Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."]));
  checkField(fields, errors, "metadata", checkMetadata);
  checkField(fields, errors, "recording_config", checkRecordingConfig);
  for (const key of ["automatic_leave", "chat", "automatic_video_output", "automatic_audio_output", "output_media", "variant", "zoom", "google_meet", "breakout_room"]) {
    checkField(fields, errors, key, (v) => (v === null || isObject(v) ? null : [`Expected a dictionary of items but got type "${typeName(v)}".`]));
  }
  return { errors: Object.keys(errors).length > 0 ? errors : null, fields };
}

function checkField(fields: JsonObject, errors: FieldErrors, key: string, check: (value: unknown) => unknown): void {
  if (!(key in fields) || key in errors) return;
  const problem = check(fields[key]);
  if (problem !== null) errors[key] = problem;
}

function typeName(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "list" : typeof value === "string" ? "str" : typeof value === "number" ? "int" : typeof value === "boolean" ? "bool" : "dict";
}

function checkMetadata(value: unknown): unknown {
  if (value === null) return null;
  if (!isObject(value)) return [`Expected a dictionary of items but got type "${typeName(value)}".`];
  const bad = Object.entries(value).filter(([, v]) => v !== null && typeof v !== "string");
  return bad.length === 0 ? null : Object.fromEntries(bad.map(([k]) => [k, ["Not a valid string."]]));
}

function checkRecordingConfig(value: unknown): unknown {
  if (value === null) return null;
  if (!isObject(value)) return [`Expected a dictionary of items but got type "${typeName(value)}".`];
  const errors: FieldErrors = {};
  for (const key of Object.keys(value)) if (!(key in RECORDING_DEFAULTS)) errors[key] = [NOT_ALLOWED];
  if ("metadata" in value) {
    const problem = checkMetadata(value["metadata"]);
    if (problem !== null) errors["metadata"] = problem;
  }
  if ("realtime_endpoints" in value) {
    const problem = checkEndpoints(value["realtime_endpoints"], value);
    if (problem !== null) errors["realtime_endpoints"] = problem;
  }
  if ("transcript" in value && value["transcript"] !== null && !(isObject(value["transcript"]) && isObject(value["transcript"]["provider"]))) {
    errors["transcript"] = { provider: ["This field is required."] };
  }
  return Object.keys(errors).length > 0 ? errors : null;
}

function checkEndpoints(value: unknown, config: JsonObject): unknown {
  if (!Array.isArray(value)) return [`Expected a list of items but got type "${typeName(value)}".`];
  const items = value.map((item) => checkEndpoint(item, config));
  return items.some((e) => Object.keys(e).length > 0) ? items : null;
}

function checkEndpoint(item: unknown, config: JsonObject): FieldErrors {
  if (!isObject(item)) return { non_field_errors: ["Invalid data. Expected a dictionary."] };
  const errors: FieldErrors = {};
  const type = item["type"];
  const allowed = typeof type === "string" ? TRANSPORT_EVENTS[type] : undefined;
  if (allowed === undefined) errors["type"] = [`"${String(type)}" is not a valid choice.`];
  const url = item["url"];
  if (typeof url !== "string" || !/^(https?|wss?|rtmps?):\/\//.test(url)) errors["url"] = ["Enter a valid URL."];
  else if (type === "websocket" && !/^wss?:\/\//.test(url)) errors["url"] = ["A websocket endpoint needs a ws:// or wss:// URL."];
  const events = item["events"];
  if (!Array.isArray(events)) errors["events"] = ["This field is required."];
  else if (allowed !== undefined) {
    const bad = events.filter((e) => typeof e !== "string" || !allowed.includes(e));
    if (bad.length > 0) {
      const raw = bad.some((e) => RAW_MEDIA.includes(String(e)));
      errors["events"] = bad.map((e) => raw && type === "webhook"
        ? `"${String(e)}" is raw media, which is only sent to websocket endpoints.`
        : `"${String(e)}" is not a valid choice for a ${String(type)} endpoint.`);
    } else {
      const missing = events.filter((e: string) => RAW_MEDIA.includes(e) && config[mediaFor(e)] == null);
      if (missing.length > 0) errors["events"] = missing.map((e: string) => `"${e}" needs recording_config.${mediaFor(e)} to be enabled.`);
    }
  }
  return errors;
}

function mediaFor(event: string): string {
  return event.slice(0, event.indexOf(".data"));
}

/** The Bot object's configuration part: given fields over Recall's defaults. */
export function fillDefaults(fields: JsonObject): JsonObject {
  const out: JsonObject = { ...TOP_DEFAULTS };
  for (const [key, value] of Object.entries(fields)) out[key] = value;
  out["metadata"] = cleanMetadata(fields["metadata"]);
  out["recording_config"] = { ...RECORDING_DEFAULTS, ...(isObject(fields["recording_config"]) ? fields["recording_config"] : {}) };
  const rc = out["recording_config"] as JsonObject;
  rc["metadata"] = cleanMetadata(rc["metadata"]);
  out["automatic_leave"] = { ...LEAVE_DEFAULTS, ...(isObject(fields["automatic_leave"]) ? fields["automatic_leave"] : {}) };
  return out;
}

/** Merges an update into a configuration (top-level keys replace; recording_config and automatic_leave merge). */
export function applyUpdate(config: JsonObject, fields: JsonObject): JsonObject {
  const out = { ...config };
  for (const [key, value] of Object.entries(fields)) {
    if ((key === "recording_config" || key === "automatic_leave") && isObject(value) && isObject(config[key])) out[key] = { ...config[key], ...value };
    else out[key] = key === "metadata" ? cleanMetadata(value) : value;
  }
  return out;
}

/** Metadata as Recall's samples parse it: string values only (nulls dropped), never null itself. */
export function cleanMetadata(value: unknown): Record<string, string> {
  if (!isObject(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === "string"));
}
