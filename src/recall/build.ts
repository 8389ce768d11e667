import { RecallHooksError } from "../errors.js";
import type { EventInfo } from "./types.js";
import type { BuildContext, BuildEventOptions, RecallEvent } from "./build-parts.js";
import { createContext, isoMicros, isoMicrosOffset, participantBody, resourceEntries } from "./build-parts.js";
import { buildRealtimeData } from "./build-realtime.js";
import { findEvent, findSubCode } from "./catalog.js";
import { type BodyFormat, DEFAULT_BODY_FORMAT, formatBody } from "./body-format.js";

export type { BuildEventOptions, ParticipantOptions, RecallEvent } from "./build-parts.js";
export { isoMicros, newMessageId, SAMPLE_METADATA } from "./build-parts.js";

// Payload builders: a realistic body for every catalog event, in Recall's shapes (recall-webhooks.md
// §3, §4, §9). Ids are UUIDv4 unless given; times derive from options.updatedAt.

/** The sub code a status carries when the caller does not choose one. */
const DEFAULT_SUB_CODES: Readonly<Record<string, string>> = {
  fatal: "meeting_not_found",
  call_ended: "call_ended_by_host",
  recording_permission_denied: "zoom_local_recording_request_denied_by_host",
};
const DEFAULT_TRANSCRIPT_FAILED = "provider_connection_failed";

/** A body for an event type from the catalog; a name the catalog does not know throws E_EVENT_UNKNOWN. */
export function buildEvent(type: string, options: BuildEventOptions = {}): RecallEvent {
  const info = findEvent(type);
  if (info === undefined) {
    throw new RecallHooksError("E_EVENT_UNKNOWN", `Unknown event type "${type}".`, { event: type });
  }
  const ctx = createContext(type, options);
  return { event: type, data: buildData(ctx, info) };
}

/**
 * The exact string that gets signed and sent. Default `spaced` (Python's json.dumps), so a handler
 * that verifies a re-serialised body fails as it would on a body whose bytes it cannot predict.
 */
export function serializeEvent(e: RecallEvent, format: BodyFormat = DEFAULT_BODY_FORMAT): string {
  return formatBody(e, format);
}

function buildData(ctx: BuildContext, info: EventInfo): Record<string, unknown> {
  switch (info.shape) {
    case "status":
      return statusData(ctx, info);
    case "legacy_status":
      return legacyStatusData(ctx);
    case "legacy_log":
      return legacyLogData(ctx, info.name);
    case "calendar":
      return calendarData(ctx, info.name);
    case "call_event":
      return callEventData(ctx);
    case "realtime": {
      const data = buildRealtimeData(ctx, info.name, info.resource ?? "");
      if (data === undefined) throw new Error(`No payload builder for real-time event "${info.name}".`);
      return data;
    }
  }
}

/** Which resources a status event carries, in Recall's order. */
function statusResources(resource: string): readonly string[] {
  if (resource === "bot") return ["bot"];
  if (resource === "recording") return ["recording", "bot"];
  // Desktop SDK uploads have no bot.
  if (resource === "sdk_upload") return ["recording", "sdk_upload"];
  return [resource, "recording", "bot"];
}

function defaultSubCode(info: EventInfo, code: string): string | null {
  if (info.name === "transcript.failed") return DEFAULT_TRANSCRIPT_FAILED;
  if (info.family !== "bot") return null;
  return DEFAULT_SUB_CODES[code] ?? null;
}

function statusData(ctx: BuildContext, info: EventInfo): Record<string, unknown> {
  const code = ctx.options.code ?? info.code ?? info.name.slice(info.name.indexOf(".") + 1);
  const subCode = ctx.options.subCode === undefined ? defaultSubCode(info, code) : ctx.options.subCode;
  return {
    data: { code, sub_code: subCode, updated_at: isoMicros(ctx.now) },
    ...resourceEntries(ctx, statusResources(info.resource ?? "bot")),
  };
}

/** v1.10 `bot.status_change`: the status under data.status, with a human-readable message. */
function legacyStatusData(ctx: BuildContext): Record<string, unknown> {
  const code = ctx.options.code ?? "fatal";
  const subCode = ctx.options.subCode === undefined ? DEFAULT_SUB_CODES[code] ?? null : ctx.options.subCode;
  const status: Record<string, unknown> = {
    code,
    created_at: isoMicrosOffset(ctx.now),
    sub_code: subCode,
    message: subCode === null ? null : findSubCode(subCode, code)?.description ?? null,
  };
  const recordingId = ctx.options.recordingId ?? ctx.options.resourceIds?.["recording"];
  if (recordingId !== undefined) status["recording_id"] = recordingId;
  return { bot_id: ctx.id("bot"), status };
}

function legacyLogData(ctx: BuildContext, name: string): Record<string, unknown> {
  const log: Record<string, unknown> = {
    created_at: isoMicrosOffset(ctx.now),
    level: "error",
    message: ctx.options.text ??
      (name === "bot.output_log"
        ? "Failed to connect to transcription provider: invalid API key."
        : "Failed to send chat message: the bot is not in the call."),
  };
  if (name === "bot.output_log") log["output_id"] = ctx.id("output");
  return { bot_id: ctx.id("bot"), log };
}

function calendarData(ctx: BuildContext, name: string): Record<string, unknown> {
  const data: Record<string, unknown> = { calendar_id: ctx.id("calendar") };
  if (name === "calendar.sync_events") data["last_updated_ts"] = isoMicros(ctx.now);
  return data;
}

/** Legacy Call Events: flat, with a numeric participant id. */
function callEventData(ctx: BuildContext): Record<string, unknown> {
  const participant = participantBody(ctx, false);
  return { bot_id: ctx.id("bot"), participant_id: participant["id"], created_at: isoMicros(ctx.now) };
}
