import { RecallHooksError } from "../errors.js";
import type { JsonObject } from "../json.js";
import { forwardFailed, type JournalItem, type JournalState, parseJournal, readCapture } from "./journal-read.js";
import { parseDelivery } from "../recall/parse.js";
import { type HeaderFamily, readSignatureHeaders } from "../webhook/headers.js";

// What replay reads (src/listen/journal-read.ts reads the file; this makes entries of it):
// - a bare Recall body: {"event", "data"}
// - a capture: {"headers", "body" | "body_base64"}, whatever else it has (listen --json's event records)
// - listen's journal (JSONL): {"type": "delivery", key, id, received_at, headers, body | body_base64,
//   forward_to, duplicate} and {"type": "forward", key, id, target, ok, attempt, at}.

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

/** A file's entries, and the lines skipped as unreadable (for the caller to warn about). */
export interface ReplayFile {
  readonly entries: ReplayEntry[];
  readonly skipped: readonly number[];
}

/** Reads one file's entries; unreadable lines are skipped (see readReplayFile to hear of them). */
export function readReplayEntries(bytes: Buffer, source: string): ReplayEntry[] {
  return readReplayFile(bytes, source).entries;
}

/** Reads one file's entries; throws a usage error for a document it cannot use or a file with nothing readable. */
export function readReplayFile(bytes: Buffer, source: string): ReplayFile {
  const state = parseJournal(bytes);
  if (state.readable === 0 && state.skipped.length > 0) {
    throw new RecallHooksError("E_INPUT_NOT_JSON", `${source} is neither JSON nor JSON lines: replay takes Recall bodies, captures {"headers", "body"} or listen's journal.`, { input: source });
  }
  return { entries: state.items.map((item) => toEntry(item, source, bytes, state)), skipped: state.skipped };
}

function toEntry(item: JournalItem, source: string, fileBytes: Buffer, state: JournalState): ReplayEntry {
  const label = `${source}${item.where}`;
  if (item.kind === "capture") return captureEntry(item.value as JsonObject, label, state);
  if (item.kind === "body") {
    // A bare body is sent byte for byte as the file holds it; an element of an array or a line, compactly.
    const body = item.wholeFile ? fileBytes : Buffer.from(JSON.stringify(item.value));
    const parsed = parseDelivery(body);
    return { label, event: parsed.event, botId: parsed.botId, id: null, body, headers: null, family: null, receivedAt: null, duplicate: false, forwardFailed: null };
  }
  throw new RecallHooksError("E_INPUT_SHAPE", `${label} is neither a Recall body {"event", "data"}, a capture {"headers", "body"}, nor a line of listen's journal.`, { input: label });
}

function captureEntry(value: JsonObject, label: string, state: JournalState): ReplayEntry {
  const { headers, body } = readCapture(value);
  const seen = readSignatureHeaders(headers);
  const parsed = parseDelivery(body);
  const id = typeof value["id"] === "string" ? value["id"] : seen.id;
  const received = typeof value["received_at"] === "string" ? Date.parse(value["received_at"]) : NaN;
  return {
    label, event: parsed.event, botId: parsed.botId, id, body, headers, family: seen.family,
    receivedAt: Number.isNaN(received) ? null : received,
    duplicate: value["duplicate"] === true,
    forwardFailed: forwardFailed(state, { key: value["key"], id, forward_to: value["forward_to"] }),
  };
}
