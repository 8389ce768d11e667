import type { ParsedEvent, PayloadShape } from "./types.js";
import { isObject, type JsonObject, tryParse } from "../json.js";
import { findEvent, findSubCode } from "./catalog.js";

// Called once per delivery by the listener: one JSON.parse, no copies, never throws. Whatever Recall
// sends is kept as sent; the catalog only adds descriptions.

const DECODER = new TextDecoder("utf-8", { fatal: true });
const EMPTY: Readonly<Record<string, never>> = Object.freeze({});

const TEXT: ParsedEvent = Object.freeze({
  kind: "text",
  event: null,
  info: null,
  shape: "unknown",
  botId: null,
  code: null,
  subCode: null,
  subCodeDescription: null,
  updatedAt: null,
  message: null,
  resources: EMPTY,
  metadata: EMPTY,
  json: undefined,
});

/** Reads a delivery body. Not JSON (or not UTF-8): kind "text". JSON without a string `event`: "json_other". */
export function parseDelivery(body: string | Uint8Array): ParsedEvent {
  let text: string;
  if (typeof body === "string") {
    text = body.charCodeAt(0) === 0xfeff ? body.slice(1) : body;
  } else {
    try {
      text = DECODER.decode(body);
    } catch {
      return TEXT;
    }
  }
  const json = tryParse(text);
  if (json === undefined) return TEXT;
  if (!isObject(json) || typeof json["event"] !== "string") return other(json);
  return readEvent(json["event"], json);
}

function other(json: unknown): ParsedEvent {
  return { ...TEXT, kind: "json_other", json };
}

function readEvent(event: string, json: JsonObject): ParsedEvent {
  const info = findEvent(event) ?? null;
  const data = objectOrNull(json["data"]);
  const inner = objectOrNull(data?.["data"]);
  const status = objectOrNull(data?.["status"]);
  const log = objectOrNull(data?.["log"]);

  const code = str(inner?.["code"]) ?? str(status?.["code"]);
  const subCode = str(inner?.["sub_code"]) ?? str(status?.["sub_code"]);
  const resources = data === null ? EMPTY : readResources(data, status, log);
  const bot = objectOrNull(data?.["bot"]);
  const metadata = objectOrNull(bot?.["metadata"]) ?? EMPTY;

  return {
    kind: "json",
    event,
    info,
    shape: info?.shape ?? inferShape(data, inner, status, log),
    botId: resources["bot"] ?? null,
    code,
    subCode,
    subCodeDescription: subCode === null ? null : findSubCode(subCode, code)?.description ?? null,
    updatedAt: str(inner?.["updated_at"]) ?? str(status?.["created_at"]) ?? str(log?.["created_at"]) ?? str(data?.["created_at"]),
    message: str(status?.["message"]) ?? str(log?.["message"]),
    resources,
    metadata,
    json,
  };
}

const NOT_RESOURCES = new Set(["data", "status", "log", "__proto__"]);

/** `{key: {id}}` -> key; `<name>_id: "..."` -> name (bot_id -> bot); legacy status.recording_id -> recording. */
function readResources(data: JsonObject, status: JsonObject | null, log: JsonObject | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key in data) {
    if (NOT_RESOURCES.has(key) || !Object.hasOwn(data, key)) continue;
    const value = data[key];
    if (typeof value === "string") {
      if (key.length > 3 && key.endsWith("_id")) addOnce(out, key.slice(0, -3), value);
    } else if (isObject(value)) {
      const id = value["id"];
      if (typeof id === "string") addOnce(out, key, id);
    }
  }
  const recordingId = str(status?.["recording_id"]);
  if (recordingId !== null) addOnce(out, "recording", recordingId);
  const outputId = str(log?.["output_id"]);
  if (outputId !== null) addOnce(out, "output", outputId);
  return out;
}

function addOnce(out: Record<string, string>, key: string, id: string): void {
  if (!Object.hasOwn(out, key) && key !== "__proto__") out[key] = id;
}

/** For event names the catalog does not know, guess the shape from the body; "unknown" when nothing fits. */
function inferShape(
  data: JsonObject | null,
  inner: JsonObject | null,
  status: JsonObject | null,
  log: JsonObject | null,
): PayloadShape | "unknown" {
  if (data === null) return "unknown";
  if (inner !== null && "code" in inner) return "status";
  if (status !== null && "code" in status) return "legacy_status";
  if (log !== null) return "legacy_log";
  if (inner !== null) return "realtime";
  if (typeof data["calendar_id"] === "string") return "calendar";
  if (typeof data["bot_id"] === "string" && "participant_id" in data) return "call_event";
  return "unknown";
}

function objectOrNull(value: unknown): JsonObject | null {
  return isObject(value) ? value : null;
}

function str(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

/** Bot status events (current and legacy) make up a bot's timeline; recording.done's "done" does not. */
export function isBotStatus(parsed: ParsedEvent): boolean {
  return parsed.event !== null && parsed.event.startsWith("bot.") && (parsed.shape === "status" || parsed.shape === "legacy_status" || parsed.info === null);
}
