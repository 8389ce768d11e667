/** Where a fact comes from: a Recall/Svix page, Recall's older v1.10 docs, only third-party code, or worked out. */
export type Basis = "documented" | "legacy" | "third-party" | "inferred";

/** How Recall delivers an event. */
export type Channel = "svix" | "realtime" | "call_events";

/**
 * The body shape of an event:
 * - status: `{event, data: {data: {code, sub_code, updated_at}, <resource>: {id, metadata}, ...}}`
 * - legacy_status: v1.10 `bot.status_change`, `{event, data: {bot_id, status: {code, sub_code, message, created_at}}}`
 * - legacy_log: v1.10 `bot.log` / `bot.output_log`
 * - realtime: participant events, transcript.data, raw media
 * - calendar: flat `{event, data: {calendar_id, ...}}`
 * - call_event: legacy Call Events, flat `{event, data: {bot_id, participant_id, created_at}}`
 */
export type PayloadShape = "status" | "legacy_status" | "legacy_log" | "realtime" | "calendar" | "call_event";

export interface EventInfo {
  /** e.g. "bot.fatal" */
  readonly name: string;
  /** e.g. "bot", "recording", "transcript", "participant_events", "sdk_upload", "calendar" */
  readonly family: string;
  readonly description: string;
  readonly channel: Channel;
  readonly shape: PayloadShape;
  /** For status events: the code carried in data.data.code (e.g. "fatal" for bot.fatal). */
  readonly code?: string;
  /** The resource key this event is about (e.g. "recording" for recording.done, "participant_events"). */
  readonly resource?: string;
  readonly basis: Basis;
}

export interface CodeInfo {
  /** e.g. "in_call_recording" */
  readonly code: string;
  readonly description: string;
  readonly basis: Basis;
}

export interface SubCodeInfo {
  readonly subCode: string;
  /** The status code this sub code is reported with: "fatal", "call_ended", "recording_permission_denied", or "failed" for transcript.failed. */
  readonly status: string;
  /** For transcript.failed sub codes, "transcript"; otherwise "bot". */
  readonly family: string;
  readonly platform: "general" | "zoom" | "google_meet" | "microsoft_teams" | "webex";
  readonly description: string;
  readonly basis: Basis;
}

export interface Transition {
  readonly from: string;
  readonly to: string;
  readonly basis: "documented" | "inferred";
}

/** A delivery body read into a typed view. Nothing here is ever guessed: unknown stays unknown, raw stays raw. */
export interface ParsedEvent {
  /** "json" when the body parsed as a JSON object with a string `event`; "json_other" for other JSON; "text" when not JSON. */
  readonly kind: "json" | "json_other" | "text";
  /** The event name as sent, or null when there is none. */
  readonly event: string | null;
  /** The catalog entry, or null for an event name the catalog does not know. */
  readonly info: EventInfo | null;
  readonly shape: PayloadShape | "unknown";
  readonly botId: string | null;
  /** The status code (data.data.code, or data.status.code in the legacy shape). */
  readonly code: string | null;
  readonly subCode: string | null;
  /** The catalog's description of the sub code, or null when unknown or absent. */
  readonly subCodeDescription: string | null;
  /** data.data.updated_at, or data.status.created_at in the legacy shape, as sent. */
  readonly updatedAt: string | null;
  /** Legacy status message, when present. */
  readonly message: string | null;
  /** Every `{id}` resource found under data, by key: { bot: "...", recording: "...", transcript: "..." }. */
  readonly resources: Readonly<Record<string, string>>;
  /** The bot's metadata (data.bot.metadata), or {} */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** The parsed JSON value, or undefined for text. */
  readonly json: unknown;
}
