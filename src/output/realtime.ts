import { isObject } from "../json.js";
import type { ReceivedFrame, SocketChange } from "../listen/websocket.js";
import { RAW_MEDIA_EVENTS } from "../realtime/frames.js";
import type { ParsedEvent } from "../recall/types.js";
import { clock } from "./format.js";
import { neutralize } from "./sanitize.js";
import type { Style } from "./style.js";

// The live view of real-time traffic: utterances as `Ada: text`, participant events in words, raw
// media as a counter per stream rather than a line per chunk.

const ACTIONS: Readonly<Record<string, string>> = {
  join: "joined", leave: "left", update: "updated their details", webcam_on: "turned the webcam on", webcam_off: "turned the webcam off",
  screenshare_on: "started sharing the screen", screenshare_off: "stopped sharing the screen",
};

/** `Ada: words...` for transcript events, `· Ada joined` for participant events; null for anything else. */
export function realtimeText(parsed: ParsedEvent, style: Style): string | null {
  const event = parsed.event ?? "";
  const inner = isObject(parsed.json) && isObject(parsed.json["data"]) ? parsed.json["data"]["data"] : undefined;
  if (!isObject(inner)) return null;
  const who = isObject(inner["participant"]) && typeof inner["participant"]["name"] === "string" ? neutralize(inner["participant"]["name"]) : "(someone)";
  if (event === "transcript.data" || event === "transcript.partial_data") {
    const words = Array.isArray(inner["words"]) ? inner["words"].map((w) => (isObject(w) && typeof w["text"] === "string" ? w["text"] : "")).join(" ") : "";
    const line = `${style.bold(`${who}:`)} ${neutralize(words)}`;
    return event === "transcript.partial_data" ? style.dim(`${who}: ${neutralize(words)}…`) : line;
  }
  if (!event.startsWith("participant_events.")) return null;
  const action = event.slice("participant_events.".length);
  if (action === "chat_message") {
    const chat = isObject(inner["data"]) ? inner["data"] : {};
    const to = typeof chat["to"] === "string" ? ` to ${neutralize(chat["to"])}` : "";
    return `${style.cyan("·")} ${who} ${style.dim(`(chat${to})`)}: ${neutralize(typeof chat["text"] === "string" ? chat["text"] : "")}`;
  }
  const email = action === "update" && isObject(inner["participant"]) && typeof inner["participant"]["email"] === "string" ? ` (${neutralize(inner["participant"]["email"])})` : "";
  return `${style.cyan("·")} ${who} ${ACTIONS[action] ?? neutralize(action)}${email}`;
}

/** Frames not printed one by one: raw media, speech on/off and partials (counted, totals on close). */
export function isCounted(event: string | null): boolean {
  return event === null || RAW_MEDIA_EVENTS.includes(event) || event === "participant_events.speech_on" ||
    event === "participant_events.speech_off" || event === "transcript.partial_data";
}

/** The lines for one frame; `seen` remembers the streams already announced. */
export function renderFrame(frame: ReceivedFrame, style: Style, seen: Set<string>): string[] {
  const event = frame.parsed.event;
  const at = style.dim(clock(frame.receivedAt));
  // The bot, dim at the end: several bots can stream into one listener.
  const bot = frame.parsed.botId !== null ? `  ${style.dim(neutralize(frame.parsed.botId.slice(0, 8)))}` : "";
  if (!isCounted(event)) {
    const text = realtimeText(frame.parsed, style);
    return [`${at}  ${text ?? style.bold(neutralize(event ?? "(no event)"))}${bot}`];
  }
  if (event === null || !RAW_MEDIA_EVENTS.includes(event)) return [];
  const key = `${frame.connection} ${event} ${streamOf(frame.parsed)}`;
  if (seen.has(key)) return [];
  seen.add(key);
  const who = streamOf(frame.parsed);
  return [`${at}  ${style.magenta("▸")} ${event}${who ? ` (${neutralize(who)})` : ""} streaming ${style.dim("(counted; totals when the connection closes)")}${bot}`];
}

/** The participant a separate stream belongs to, or "" for a mixed one. */
function streamOf(parsed: ParsedEvent): string {
  const inner = isObject(parsed.json) && isObject(parsed.json["data"]) ? parsed.json["data"]["data"] : undefined;
  const p = isObject(inner) && isObject(inner["participant"]) ? inner["participant"] : null;
  const type = isObject(inner) && typeof inner["type"] === "string" ? ` ${inner["type"]}` : "";
  return p !== null && typeof p["name"] === "string" ? `${p["name"]}${type}` : "";
}

export function renderSocket(change: SocketChange, style: Style): string[] {
  const at = style.dim(clock(change.at));
  const path = neutralize(change.path);
  if (change.state === "open") {
    const check = change.verified === true ? style.green(`✓ ${change.scheme}-*`) : style.yellow(`? unverified${change.scheme ? ` ${change.scheme}-*` : ""}`);
    return [`${at} ${style.dim("==>")} ${style.bold("WebSocket")} ${path} open  ${check}  ${style.dim(neutralize(change.id ?? "(no id)"))}`];
  }
  if (change.state === "forward_failed") {
    return [`${at} ${style.red("✗")} relay to ${neutralize(change.target ?? "")} failed: ${neutralize(change.message ?? "")}${change.frames ? ` (${change.frames} frames dropped)` : ""}`];
  }
  const counts = Object.entries(change.byEvent ?? {}).sort((a, b) => b[1] - a[1]).map(([e, n]) => `${neutralize(e)} ${n}`).join(", ");
  return [`${at} ${style.dim("<==")} ${style.bold("WebSocket")} ${path} closed (${change.code ?? "?"}) after ${change.frames ?? 0} frames${counts ? `: ${counts}` : ""}`];
}

export function frameJson(frame: ReceivedFrame): Record<string, unknown> {
  const raw = frame.parsed.event !== null && RAW_MEDIA_EVENTS.includes(frame.parsed.event);
  return {
    type: "frame", connection: frame.connection, seq: frame.seq, event: frame.parsed.event, bot_id: frame.parsed.botId, path: frame.path,
    received_at: new Date(frame.receivedAt).toISOString(), bytes: frame.data.length,
    // Raw media is counted, not copied: the journal has every byte.
    ...(!raw && { body: frame.data.toString("utf8") }),
  };
}

export function socketJson(change: SocketChange): Record<string, unknown> {
  return {
    type: "socket", state: change.state, connection: change.connection, path: change.path, verified: change.verified, scheme: change.scheme, id: change.id,
    at: new Date(change.at).toISOString(), code: change.code, frames: change.frames, by_event: change.byEvent, target: change.target, message: change.message,
  };
}
