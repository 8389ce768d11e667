import { UsageError } from "../errors.js";
import { parseDelivery } from "../recall/parse.js";
import { type HeaderFamily, readSignatureHeaders } from "../webhook/headers.js";

// What replay reads, in one place so a change of listen's journal format touches only this file:
// - a bare Recall body: {"event", "data"}
// - a capture: {"headers", "body" | "body_base64"}
// - listen's journal (JSONL): {"type": "delivery", key, id, received_at, headers, body | body_base64,
//   forward_to, duplicate} and {"type": "forward", key, id, target, ok, attempt, at}; other record
//   types (listen --json output, say) are skipped.

export interface ReplayEntry {
  /** Where it came from: "file", "file:line" or "fixture bot.fatal". */
  readonly label: string;
  readonly event: string | null;
  readonly botId: string | null;
  /** The captured message id, or null for a bare body. */
  readonly id: string | null;
  /** The exact bytes to sign and send. */
  readonly body: Buffer;
  /** The captured headers, or null for a bare body. */
  readonly headers: Readonly<Record<string, string | string[]>> | null;
  /** The captured signature header family. */
  readonly family: HeaderFamily | null;
  /** Epoch ms it was received (journal), or null. */
  readonly receivedAt: number | null;
  /** The listener had seen this id before. */
  readonly duplicate: boolean;
  /** From a journal: whether a forward of it failed or never happened. Null when not journaled with a forward target. */
  readonly forwardFailed: boolean | null;
}

type Json = Record<string, unknown>;

interface Forward {
  readonly key: string | null;
  readonly id: string | null;
  readonly target: string | null;
  readonly ok: boolean;
}

/** Reads one file's entries; throws a usage error that names the line for input it cannot use. */
export function readReplayEntries(bytes: Buffer, source: string): ReplayEntry[] {
  const text = bytes.toString("utf8");
  if (text.trim() === "") return [];
  const whole = tryParse(text);
  if (whole !== undefined) {
    const items = Array.isArray(whole) ? whole : [whole];
    return items.map((item, i) => toEntry(item, items.length > 1 ? `${source}[${i}]` : source, bytes, items.length === 1, []));
  }
  const lines = text.split("\n");
  const values: { value: Json; label: string }[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    const value = tryParse(line);
    const last = lines.slice(i + 1).every((l) => l.trim() === "");
    if (value === undefined && last) continue; // a torn last line of a journal being written
    if (!isObject(value)) throw new UsageError(`${source}:${i + 1} is not a JSON object: replay takes Recall bodies, captures {"headers", "body"} or listen's journal.`);
    values.push({ value, label: `${source}:${i + 1}` });
  }
  const forwards = values.filter((v) => v.value["type"] === "forward").map((v) => toForward(v.value));
  return values
    .filter((v) => v.value["type"] === undefined || v.value["type"] === "delivery")
    .map((v) => toEntry(v.value, v.label, null, false, forwards));
}

function toEntry(value: unknown, label: string, fileBytes: Buffer | null, wholeFile: boolean, forwards: readonly Forward[]): ReplayEntry {
  if (!isObject(value)) throw new UsageError(`${label} is not a JSON object: replay takes Recall bodies, captures {"headers", "body"} or listen's journal.`);
  if (isCapture(value)) return captureEntry(value, label, forwards);
  if (typeof value["event"] === "string" && isObject(value["data"])) {
    // A bare body is sent byte for byte as the file holds it; an element of an array, compactly.
    const body = wholeFile && fileBytes ? fileBytes : Buffer.from(JSON.stringify(value));
    const parsed = parseDelivery(body);
    return { label, event: parsed.event, botId: parsed.botId, id: null, body, headers: null, family: null, receivedAt: null, duplicate: false, forwardFailed: null };
  }
  throw new UsageError(`${label} is neither a Recall body {"event", "data"}, a capture {"headers", "body"}, nor a line of listen's journal.`);
}

function captureEntry(value: Json, label: string, forwards: readonly Forward[]): ReplayEntry {
  const body = typeof value["body_base64"] === "string" ? Buffer.from(value["body_base64"], "base64") : Buffer.from(value["body"] as string, "utf8");
  const headers = readHeaders(value["headers"] as Json);
  const seen = readSignatureHeaders(headers);
  const parsed = parseDelivery(body);
  const id = typeof value["id"] === "string" ? value["id"] : seen.id;
  const received = typeof value["received_at"] === "string" ? Date.parse(value["received_at"]) : NaN;
  return {
    label, event: parsed.event, botId: parsed.botId, id, body, headers, family: seen.family,
    receivedAt: Number.isNaN(received) ? null : received,
    duplicate: value["duplicate"] === true,
    forwardFailed: forwardFailed(value, id, forwards),
  };
}

/**
 * Whether the listener still owes this delivery to a target: the last forward to some target failed,
 * or none was made. Forwards are matched by the delivery's `key`, or by message id in journals without keys.
 */
function forwardFailed(value: Json, id: string | null, forwards: readonly Forward[]): boolean | null {
  const key = typeof value["key"] === "string" ? value["key"] : null;
  const mine = forwards.filter((f) => (key !== null && f.key !== null ? f.key === key : id !== null && f.id === id));
  const targets = Array.isArray(value["forward_to"]) ? value["forward_to"].filter((t): t is string => typeof t === "string") : [];
  if (targets.length === 0 && mine.length === 0) return null;
  const last = new Map<string, boolean>();
  for (const f of mine) last.set(f.target ?? "", f.ok);
  if (targets.length === 0) return [...last.values()].some((ok) => !ok);
  return targets.some((t) => last.get(t) !== true);
}

function toForward(value: Json): Forward {
  const str = (k: string): string | null => (typeof value[k] === "string" ? (value[k] as string) : null);
  return { key: str("key"), id: str("id"), target: str("target"), ok: value["ok"] === true };
}

function isCapture(value: Json): boolean {
  return isObject(value["headers"]) && (typeof value["body"] === "string" || typeof value["body_base64"] === "string");
}

function readHeaders(raw: Json): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, v] of Object.entries(raw)) {
    if (typeof v === "string") out[name] = v;
    else if (Array.isArray(v)) out[name] = v.map(String);
    else if (typeof v === "number") out[name] = String(v);
  }
  return out;
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
