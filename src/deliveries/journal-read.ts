import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { isObject, type JsonObject, tryParse } from "../json.js";
import { decodeBody, type DeliveryRecord, type ForwardRecord, type JournalRecord } from "./journal.js";
import { OwedLedger } from "./owed.js";

// The one reader of files that hold deliveries: listen's journal, listen --json output, captures
// {"headers", "body" | "body_base64"} and bare Recall bodies {"event", "data"}; the listener (on
// resume), replay and verify all read through it. A file is one JSON document (an object or an
// array), or JSON lines. Lines that are not JSON, or JSON that is none of these, are skipped
// wherever they are, and counted for the caller to warn about: a run killed mid-write leaves a torn
// line, and the next run appends after it. Records of listen --json's other types (ready, forward,
// tunnel, summary) are skipped silently.

/** One delivery-holding value of a file, in file order. */
export interface JournalItem {
  /** Where it is, appended to the file's name in messages: ":5" (a line), "[2]" (an array element), "" (the whole file). */
  readonly where: string;
  /** The whole file is this one object: its bytes are the exact body of a bare Recall body. */
  readonly wholeFile: boolean;
  /**
   * `capture`: has headers and body or body_base64, whatever else (journal deliveries among them);
   * `body`: a bare Recall body; `unknown`: a whole-file document that is neither (lines like it are skipped).
   */
  readonly kind: "capture" | "body" | "unknown";
  readonly value: unknown;
}

export interface JournalState {
  /** The journal's delivery records (`type: "delivery"`), in order. */
  readonly deliveries: DeliveryRecord[];
  /** The forwards still owed (see OwedLedger). */
  readonly owed: OwedLedger;
  /** Captures (journal deliveries among them) and bare bodies, in order. */
  readonly items: JournalItem[];
  /** 1-based numbers of the lines skipped as unreadable. */
  readonly skipped: number[];
  /** Lines (or documents) that were understood, skipped silently ones included. */
  readonly readable: number;
}

type Classified =
  | { readonly kind: "capture"; readonly delivery: DeliveryRecord | null }
  | { readonly kind: "body" }
  | { readonly kind: "forward"; readonly forward: ForwardRecord | null }
  | { readonly kind: "other" }
  | { readonly kind: "unreadable" };

/** What one parsed value is. */
function classify(value: unknown): Classified {
  if (!isObject(value)) return { kind: "unreadable" };
  const type = value["type"];
  if (isCapture(value)) {
    const journaled = type === "delivery" && typeof value["key"] === "string";
    return { kind: "capture", delivery: journaled ? (value as unknown as DeliveryRecord) : null };
  }
  if (type === "forward") {
    // listen --json's forward records have no target: nothing to settle.
    const settles = typeof value["target"] === "string" && (typeof value["key"] === "string" || typeof value["id"] === "string");
    return { kind: "forward", forward: settles ? (value as unknown as ForwardRecord) : null };
  }
  if (type === "delivery") return { kind: "unreadable" }; // a delivery record without its body
  if (typeof type === "string") return { kind: "other" }; // listen --json: ready, event, tunnel, summary
  if (typeof value["event"] === "string" && isObject(value["data"])) return { kind: "body" };
  return { kind: "unreadable" };
}

/** The journal record a parsed line holds (a delivery with its key, a forward that names its target), else null. */
export function journalRecordOf(value: unknown): JournalRecord | null {
  const what = classify(value);
  return what.kind === "capture" ? what.delivery : what.kind === "forward" ? what.forward : null;
}

/**
 * Accumulates a file's lines into a JournalState in one pass. With `keep` false (streaming a
 * journal record by record) it keeps nothing but the count of lines.
 */
class JournalScanner {
  readonly deliveries: DeliveryRecord[] = [];
  readonly owed = new OwedLedger();
  readonly items: JournalItem[] = [];
  readonly skipped: number[] = [];
  readable = 0;

  constructor(readonly keep = true) {}

  /** One line of JSON lines; returns the journal record it holds, if any. */
  line(text: string, n: number): JournalRecord | null {
    const trimmed = text.trim();
    if (trimmed === "") return null;
    const value = tryParse(trimmed);
    const what = classify(value);
    if (what.kind === "unreadable") {
      if (this.keep) this.skipped.push(n);
      return null;
    }
    this.readable += 1;
    if (this.keep) this.#keep(what, value, `:${n}`);
    return what.kind === "capture" ? what.delivery : what.kind === "forward" ? what.forward : null;
  }

  #keep(what: Classified, value: unknown, where: string): void {
    if (what.kind === "capture" || what.kind === "body") this.items.push({ where, wholeFile: false, kind: what.kind, value });
    if (what.kind === "capture") this.owed.planned(value as JsonObject, what.delivery);
    if (what.kind === "capture" && what.delivery) this.deliveries.push(what.delivery);
    if (what.kind === "forward" && what.forward) this.owed.attempted(what.forward);
  }

  /** A file that is one JSON document: an object, or an array of them; anything else in it is `unknown`. */
  document(value: unknown): void {
    const values: unknown[] = Array.isArray(value) ? value : [value];
    values.forEach((v, i) => {
      const what = classify(v);
      const kind = what.kind === "capture" || what.kind === "body" ? what.kind : "unknown";
      this.readable += 1;
      this.items.push({ where: values.length > 1 ? `[${i}]` : "", wholeFile: !Array.isArray(value), kind, value: v });
      if (what.kind === "capture" && what.delivery) this.deliveries.push(what.delivery);
    });
  }

  state(): JournalState {
    return { deliveries: this.deliveries, owed: this.owed, items: this.items, skipped: this.skipped, readable: this.readable };
  }
}

/** Has headers and a body, whatever else it has: a capture, a journal delivery, listen --json's event. */
export function isCapture(value: JsonObject): boolean {
  const headers = value["headers"];
  if (!isObject(headers)) return false;
  if (typeof value["body"] === "string" || typeof value["body_base64"] === "string") return true;
  // Recall also signs requests that have no body (GET callbacks, WebSocket upgrades): with a
  // message id among its headers, a capture without a body is one of those, signed over "".
  // The journal always writes a body, so a journal record without one is damaged, not bodiless.
  return value["type"] === undefined && Object.keys(headers).some((name) => /^(webhook|svix)-id$/i.test(name));
}

/** A capture's headers (values as text; others dropped) and its exact body bytes. */
export function readCapture(value: JsonObject): { headers: Record<string, string | string[]>; body: Buffer } {
  const headers: Record<string, string | string[]> = {};
  for (const [name, v] of Object.entries(isObject(value["headers"]) ? value["headers"] : {})) {
    if (typeof v === "string") headers[name] = v;
    else if (Array.isArray(v)) headers[name] = v.map(String);
    else if (typeof v === "number") headers[name] = String(v);
  }
  return { headers, body: decodeBody(value as { body?: string; body_base64?: string }) };
}

/** Reads a whole file's bytes: one JSON document, or JSON lines. Linear in the file's size. */
export function parseJournal(input: Buffer | string): JournalState {
  const text = typeof input === "string" ? input : input.toString("utf8");
  const scanner = new JournalScanner();
  if (text.trim() === "") return scanner.state();
  const whole = tryParse(text);
  if (whole !== undefined) {
    scanner.document(whole);
    return scanner.state();
  }
  let start = 0;
  for (let n = 1; start <= text.length; n += 1) {
    const end = text.indexOf("\n", start);
    scanner.line(text.slice(start, end === -1 ? text.length : end), n);
    if (end === -1) break;
    start = end + 1;
  }
  return scanner.state();
}

/** Every journal record of a journal file, in order; unreadable lines are skipped. Keeps nothing in memory. */
export async function* readJournal(path: string): AsyncGenerator<JournalRecord> {
  const scanner = new JournalScanner(false);
  let n = 0;
  for await (const line of lines(path)) {
    n += 1;
    const record = scanner.line(line, n);
    if (record) yield record;
  }
}

function lines(path: string): AsyncIterable<string> {
  return createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
}

/**
 * Whether a delivery is still owed to some forward target: null when it has none (not journaled with
 * --forward-to), else true when some target has no ok attempt. What replay --only-failed selects.
 */
export function forwardFailed(state: Pick<JournalState, "owed">, delivery: { readonly key?: unknown; readonly id?: unknown; readonly forward_to?: unknown }): boolean | null {
  if (!Array.isArray(delivery.forward_to) || delivery.forward_to.length === 0) return null;
  return state.owed.owedTo(delivery).length > 0;
}

export { decodeBody };
