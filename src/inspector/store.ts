import { open, type FileHandle } from "node:fs/promises";
import { type Appended, decodeBody } from "../deliveries/journal.js";
import { journalRecordOf } from "../deliveries/journal-read.js";
import { isObject, tryParse } from "../json.js";
import type { ListenerEvent } from "../listen/listener.js";
import { Timeline } from "../listen/timeline.js";
import { parseDelivery } from "../recall/parse.js";
import { isCounted } from "../output/realtime.js";
import { deliveryEntry, isDeliverySource } from "./appended.js";
import { deliveryRecord, forwardRecord, frameStreamRecord, rejectedRecord, socketRecord, withoutBody } from "./records.js";

/**
 * One record the inspector shows. Its place is (pos, sub): journal records sit at the byte offset
 * where their line ends (sub 0); a delivery the listener refused is not journaled, so it sits at the
 * journal's end when it happened (sub > 0). The SSE id is that place, so a browser that reconnects
 * with Last-Event-ID, or an inspector started later over the same journal, resumes exactly.
 */
export interface Entry {
  readonly cursor: string;
  readonly pos: number;
  readonly sub: number;
  /** Where the journal line starts; a refused delivery's `pos`. */
  readonly start: number;
  /** The stream record without headers and body (read again from the journal when asked). */
  readonly record: Record<string, unknown>;
  /** data.data.updated_at of a delivery, for bot timelines (not part of the stream record). */
  readonly updatedAt?: string | null;
  /** A refused delivery's request, kept in memory (it is in no file), its body cut at KEPT_BODY_BYTES. */
  readonly kept?: { readonly headers: Record<string, string | string[]>; readonly body: Buffer };
  /** A frame whose stream record carries its body (read again from the journal; raw media carries none). */
  readonly frameBody?: boolean;
}

export type Listener = (entry: Entry, line: string) => void;

const CHUNK = 64 * 1024;
/** The most bytes one read of neighbouring lines takes when a page catches up (a longer line is read alone). */
const SPAN_BYTES = 1024 * 1024;
const KEPT_BODY_BYTES = 256 * 1024;

export function cursorOf(pos: number, sub: number): string {
  return sub === 0 ? String(pos) : `${pos}r${sub}`;
}

/** `1234` or `1234r2`; null for anything else. */
export function parseCursor(text: string | null | undefined): { pos: number; sub: number } | null {
  const m = /^(\d{1,15})(?:r(\d{1,9}))?$/.exec(text ?? "");
  return m ? { pos: Number(m[1]), sub: Number(m[2] ?? 0) } : null;
}

export function isAfter(e: { pos: number; sub: number }, c: { pos: number; sub: number }): boolean {
  return e.pos > c.pos || (e.pos === c.pos && e.sub > c.sub);
}

/**
 * The journal as the inspector sees it: read once from the start, then followed as it grows (the
 * listener says when). Memory stays flat: a ring of summaries; bodies are read again from the file.
 */
export class JournalStore {
  readonly path: string;
  readonly ringSize: number;
  #fd: FileHandle | null = null;
  #offset = 0;
  #sub = 0;
  #ring: Entry[] = [];
  /** Raw media, speech on/off and partial transcripts: a ring of their own, so a meeting's audio chunks never push deliveries out. */
  #counted: Entry[] = [];
  #listeners = new Set<Listener>();
  #queue: Promise<void> = Promise.resolve();
  #waiting = false;
  /** Reads of the file queued or under way: a line the writer tells of then may be read by them too. */
  #reading = 0;
  /** Told of each line by the journal's writer (appended()): listener events no longer mean a read. */
  #told = false;
  readonly #timeline = new Timeline();

  constructor(path: string, options: { ringSize?: number } = {}) {
    this.path = path;
    this.ringSize = options.ringSize ?? 1000;
  }

  async open(): Promise<void> {
    this.#fd = await open(this.path, "r");
    await this.#pump();
  }

  get offset(): number {
    return this.#offset;
  }

  /** The summaries kept, oldest first (counted real-time frames aside: see `counted()`). */
  entries(): readonly Entry[] {
    return this.#ring;
  }

  /** The counted real-time frames kept (raw media, speech on/off, partials), oldest first. */
  counted(): readonly Entry[] {
    return this.#counted;
  }

  find(cursor: string): Entry | undefined {
    const at = parseCursor(cursor);
    return at === null || cursorOf(at.pos, at.sub) !== cursor ? undefined : this.#kept(at);
  }

  /** The entry a ring holds at this place, if any. */
  #kept(at: { pos: number; sub: number }): Entry | undefined {
    return entryAt(this.#ring, at) ?? entryAt(this.#counted, at);
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The listener wrote to the journal (or refused a delivery): read what is new. */
  onListenerEvent(event: ListenerEvent): void {
    if (!this.#told) this.refresh();
    if (event.type === "rejected") this.#queue = this.#queue.then(() => this.#addRejected(event));
    else if (event.type === "socket") this.#queue = this.#queue.then(() => this.#addMemory(socketRecord(event)));
  }

  /**
   * The file grew (another process writes it): read what is new. A burst of notifications costs one
   * read: a read already waiting to start will see everything written so far.
   */
  refresh(): void {
    if (this.#waiting) return;
    this.#waiting = true;
    this.#reading += 1;
    this.#queue = this.#queue.then(() => {
      this.#waiting = false;
      return this.#pump();
    }).catch(() => {}).finally(() => { this.#reading -= 1; });
  }

  /**
   * The journal's writer in this process wrote a line (listen --inspect): its entry is made from what
   * the writer had, not read back. When the line does not follow what the store has (lines written
   * before the store was told, or a read of the file under way), the file is read instead.
   */
  appended(a: Appended): void {
    this.#told = true;
    if (this.#fd === null || a.end <= this.#offset) return;
    if (a.start !== this.#offset || this.#reading > 0) return this.refresh();
    this.#offset = a.end;
    const made = isDeliverySource(a.source) ? deliveryEntry(a, a.source) : valueEntry(a, a.source ?? tryParse(a.line), this.#timeline);
    if (made) this.#push(made.entry, made.line);
  }

  /** Resolves once every notification so far is read. */
  settled(): Promise<void> {
    return this.#queue;
  }

  async close(): Promise<void> {
    await this.#queue;
    await this.#fd?.close();
    this.#fd = null;
  }

  /** The journal line of an entry, parsed; null for a refused delivery or a line that is gone. */
  async line(entry: Entry): Promise<Record<string, unknown> | null> {
    if (entry.sub !== 0 || this.#fd === null) return null;
    const bytes = Buffer.alloc(entry.pos - entry.start);
    await this.#fd.read(bytes, 0, bytes.length, entry.start);
    const value = tryParse(bytes.toString("utf8"));
    return isObject(value) ? value : null;
  }

  /** The full stream record of an entry, headers and body included. */
  async fullLine(entry: Entry): Promise<string> {
    return streamLine(entry, inFile(entry) ? await this.line(entry) : null);
  }

  /**
   * Entries (in journal order) with their stream lines, the lines of neighbours read from the file
   * together, up to SPAN_BYTES at a time, and given out a span at a time. Read one by one, each line
   * cost a turn of the event loop: a page that connected to a busy listener took seconds to get the
   * window, while the live records it was owed piled up in memory.
   */
  async *#withLines(entries: readonly Entry[]): AsyncGenerator<[Entry, string]> {
    for (let i = 0; i < entries.length;) {
      const first = entries[i]!;
      if (!inFile(first) || this.#fd === null) {
        yield [first, await this.fullLine(first)];
        i += 1;
        continue;
      }
      let end = i + 1;
      while (end < entries.length && inFile(entries[end]!) && entries[end]!.pos - first.start <= SPAN_BYTES) end += 1;
      const bytes = Buffer.alloc(entries[end - 1]!.pos - first.start);
      const { bytesRead } = await this.#fd.read(bytes, 0, bytes.length, first.start);
      for (; i < end; i += 1) {
        const e = entries[i]!;
        const value = e.pos - first.start <= bytesRead ? tryParse(bytes.subarray(e.start - first.start, e.pos - first.start).toString("utf8")) : null;
        yield [e, streamLine(e, isObject(value) ? value : null)];
      }
    }
  }

  /**
   * Records after a cursor, as [entry, line] pairs, in journal order: the rings' entries merged with
   * what the rings no longer hold, read again from the file (journal records only: refused
   * deliveries and socket changes live in memory).
   */
  async *after(cursor: { pos: number; sub: number } | null): AsyncGenerator<[Entry, string]> {
    const kept = mergeRings(this.#ring, this.#counted).filter((e) => cursor === null || isAfter(e, cursor));
    let next = 0;
    const firsts = [this.#ring[0], this.#counted[0]].filter((e): e is Entry => e !== undefined).map((e) => e.start);
    const boundary = firsts.length > 0 ? Math.max(...firsts) : 0;
    if (cursor !== null && cursor.pos < boundary && this.#fd !== null) {
      const older = new Timeline();
      for await (const line of readLines(this.#fd, cursor.pos, boundary)) {
        if (this.#kept({ pos: line.end, sub: 0 }) !== undefined) continue; // still in a ring: it comes from there, in order
        const made = toEntry(line, older);
        if (made === null) continue;
        for (; next < kept.length && isAfter(made.entry, kept[next]!); next += 1) yield [kept[next]!, await this.fullLine(kept[next]!)];
        yield [made.entry, made.line];
      }
    }
    yield* this.#withLines(kept.slice(next));
  }

  async #pump(): Promise<void> {
    if (this.#fd === null) return;
    for await (const line of readLines(this.#fd, this.#offset)) {
      this.#offset = line.end;
      const made = toEntry(line, this.#timeline);
      if (made) this.#push(made.entry, made.line);
    }
  }

  /** A record only the live listener knows (not journaled): it sits at the journal's end. */
  #addMemory(record: Record<string, unknown>): void {
    this.#sub += 1;
    this.#push({ cursor: cursorOf(this.#offset, this.#sub), pos: this.#offset, sub: this.#sub, start: this.#offset, record }, JSON.stringify(record));
  }

  #addRejected(event: Extract<ListenerEvent, { type: "rejected" }>): void {
    this.#sub += 1;
    // listen --json's record, plus what the body says it is, so the list can name it.
    const parsed = event.request ? parseDelivery(event.request.body) : null;
    const record = { ...rejectedRecord(event), event: parsed?.event ?? null, bot_id: parsed?.botId ?? null };
    const kept = event.request ? { headers: event.request.headers, body: event.request.body.subarray(0, KEPT_BODY_BYTES) } : undefined;
    const entry: Entry = { cursor: cursorOf(this.#offset, this.#sub), pos: this.#offset, sub: this.#sub, start: this.#offset, record, ...(kept && { kept }) };
    this.#push(entry, JSON.stringify(record));
  }

  #push(entry: Entry, line: string): void {
    const ring = entry.record["type"] === "frame" && isCounted(entry.record["event"] as string | null) ? this.#counted : this.#ring;
    ring.push(entry);
    if (ring.length > this.ringSize) ring.shift();
    for (const listener of this.#listeners) listener(entry, line);
  }
}

interface Line {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** A journal line as an entry and its full stream record; null for lines the inspector does not show. */
function toEntry(line: Line, timeline: Timeline): { entry: Entry; line: string } | null {
  return valueEntry(line, tryParse(line.text), timeline);
}

/** A journal record (parsed from its line, or the object it was written from) as an entry. */
function valueEntry(line: { start: number; end: number }, value: unknown, timeline: Timeline): { entry: Entry; line: string } | null {
  if (isObject(value) && value["type"] === "frame") return frameEntry(line, value);
  const record = journalRecordOf(value);
  if (record === null) return null;
  let summary: Record<string, unknown>;
  let updatedAt: string | null = null;
  if (record.type === "delivery") {
    const parsed = parseDelivery(decodeBody(record));
    summary = deliveryRecord(record, parsed, timeline.observeDelivery(parsed, record.duplicate));
    updatedAt = parsed.updatedAt;
  } else {
    summary = forwardRecord(record);
  }
  const entry: Entry = { cursor: cursorOf(line.end, 0), pos: line.end, sub: 0, start: line.start, record: summary, updatedAt };
  return { entry, line: JSON.stringify({ ...summary, ...bodyOf(record as unknown as Record<string, unknown>) }) };
}

/** A WebSocket frame: listen --json's record; in the ring without its body (read again when streamed). */
function frameEntry(line: { start: number; end: number }, value: Record<string, unknown>): { entry: Entry; line: string } {
  const full = frameStreamRecord(value);
  const frameBody = "body" in full;
  const entry: Entry = { cursor: cursorOf(line.end, 0), pos: line.end, sub: 0, start: line.start, record: frameBody ? withoutBody(full) : full, frameBody };
  return { entry, line: JSON.stringify(full) };
}

/**
 * The entry at a place in a ring, found by halving (a ring is in journal order); a map from cursor to
 * entry, kept up to date with every delivery, cost the listener more than all lookups together.
 */
function entryAt(ring: readonly Entry[], at: { pos: number; sub: number }): Entry | undefined {
  let lo = 0;
  let hi = ring.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const e = ring[mid]!;
    if (e.pos === at.pos && e.sub === at.sub) return e;
    if (isAfter(at, e)) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

/** Two rings, each in journal order, as one list in journal order. */
function mergeRings(a: readonly Entry[], b: readonly Entry[]): Entry[] {
  const out: Entry[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && !isAfter(a[i]!, b[j]!))) out.push(a[i++]!);
    else out.push(b[j++]!);
  }
  return out;
}

/** Whether an entry's stream line needs its line from the file: a journal line, but not raw media (which streams bodiless). */
function inFile(entry: Entry): boolean {
  return entry.sub === 0 && (entry.record["type"] !== "frame" || entry.frameBody === true);
}

/** An entry's stream record as text, with what its journal line (null: not read, or unreadable) adds to it. */
function streamLine(entry: Entry, line: Record<string, unknown> | null): string {
  if (entry.record["type"] === "frame") return JSON.stringify(line ? frameStreamRecord(line) : entry.record);
  return JSON.stringify(line ? { ...entry.record, ...bodyOf(line) } : entry.record);
}

function bodyOf(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if ("headers" in value) out["headers"] = value["headers"];
  if (typeof value["body"] === "string") out["body"] = value["body"];
  if (typeof value["body_base64"] === "string") out["body_base64"] = value["body_base64"];
  return out;
}

/** Complete lines from `from` up to `to` (or the end); a last line without its newline is left for later. */
async function* readLines(fd: FileHandle, from: number, to = Number.POSITIVE_INFINITY): AsyncGenerator<Line> {
  let pending: Buffer[] = [];
  let pendingStart = from;
  let position = from;
  const chunk = Buffer.alloc(CHUNK);
  while (position < to) {
    const { bytesRead } = await fd.read(chunk, 0, Math.min(CHUNK, to - position), position);
    if (bytesRead === 0) return;
    let at = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, at);
      if (nl === -1 || nl >= bytesRead) break;
      pending.push(Buffer.from(chunk.subarray(at, nl)));
      const end = position + nl + 1;
      yield { start: pendingStart, end, text: Buffer.concat(pending).toString("utf8") };
      pending = [];
      pendingStart = end;
      at = nl + 1;
    }
    if (at < bytesRead) pending.push(Buffer.from(chunk.subarray(at, bytesRead)));
    position += bytesRead;
  }
}
