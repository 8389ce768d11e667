import { fstatSync, writeSync } from "node:fs";
import { isUtf8 } from "node:buffer";
import { open, type FileHandle } from "node:fs/promises";
import { journalOpenError, prepareJournalPath } from "./journal-path.js";
import { isoMs } from "../iso-time.js";
import { jsonString } from "../json.js";

export { decodeBody, encodeBody } from "./body-codec.js";

/**
 * A line just written, where it sits in the file (`end` is the byte offset after its newline, the
 * inspector's SSE id) and what it was made from (the record appended, or the object a caller passed
 * with its already serialised line), so a reader in this process need not read the file again.
 */
export interface Appended {
  readonly start: number;
  readonly end: number;
  /** The line's JSON text, without its newline. */
  readonly line: string;
  readonly source: object | undefined;
}

/** A line as the observer is told of it: its text is made only if asked (an observer told the source rarely needs it). */
class Told implements Appended {
  readonly #text: string;

  constructor(readonly start: number, readonly end: number, text: string, readonly source: object | undefined) {
    this.#text = text;
  }

  get line(): string {
    return this.#text.slice(0, -1);
  }
}

/**
 * An append-only JSONL file. Records appended in one turn of the event loop are grouped into a
 * single write, so many concurrent deliveries cost one syscall; each append resolves only once its
 * bytes are in the file (the OS has them: they survive the process being killed).
 */
export class Journal {
  readonly path: string;
  #handle: FileHandle | null = null;
  #pending: { line: string; source: object | undefined; resolve: () => void; reject: (error: Error) => void }[] = [];
  /** The file's size after this writer's last write (read back with fstat while an observer needs exact places). */
  #size: number;
  #observer: ((appended: Appended) => void) | null = null;
  #writing: Promise<void> | null = null;
  #torn = false;
  #closed = false;

  private constructor(path: string, handle: FileHandle, size: number) {
    this.path = path;
    this.#handle = handle;
    this.#size = size;
  }

  /** Throws a JournalPathError when the path cannot hold a journal (a folder, no permission). */
  static async open(path: string): Promise<Journal> {
    await prepareJournalPath(path);
    const handle = await open(path, "a+").catch((error: unknown) => { throw journalOpenError(path, error); });
    // A run killed mid-write can leave a torn last line: end it, so the next record starts clean.
    const { size } = await handle.stat();
    if (size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) await handle.write("\n");
    }
    return new Journal(path, handle, size > 0 ? (await handle.stat()).size : 0);
  }

  /** Appends one record; resolves when it is written, rejects when it could not be. */
  append(record: object): Promise<void> {
    return this.appendLine(JSON.stringify(record), record);
  }

  /** Appends one record already written as JSON text (one line, no newline); `source` is what the observer is told it was made from. */
  appendLine(json: string, source?: object): Promise<void> {
    if (this.#closed) return Promise.reject(new Error("journal is closed"));
    const line = `${json}\n`;
    return new Promise((resolve, reject) => {
      this.#pending.push({ line, source, resolve, reject });
      this.#writing ??= new Promise<void>((done) => setImmediate(() => done(this.#flush())));
    });
  }

  /** Told of every line once it is written, synchronously and in file order (one observer: the inspector). */
  observe(observer: ((appended: Appended) => void) | null): void {
    this.#observer = observer;
  }

  /**
   * One synchronous write of everything appended since the last one. A local file takes the bytes
   * in microseconds; an asynchronous write cost a thread-pool round trip per batch, during which
   * the listener sat idle under load (npm run bench: about a fifth of its time).
   */
  #flush(): void {
    this.#writing = null;
    const batch = this.#pending;
    this.#pending = [];
    let offset = 0;
    try {
      // After a write that failed half way (disk full), start on a fresh line.
      const bytes = Buffer.from((this.#torn ? "\n" : "") + batch.map((p) => p.line).join(""));
      while (offset < bytes.length) offset += writeSync(this.#handle!.fd, bytes, offset);
      // Told positions come from the file's size after the write: another process appending to the same
      // file moves them, and a reader that sees a line not following its last one reads the file instead.
      this.#size = this.#observer === null ? this.#size + bytes.length : sizeOf(this.#handle!.fd, this.#size + bytes.length);
      const skip = this.#torn ? 1 : 0;
      this.#torn = false;
      this.#tell(batch, bytes, skip);
      for (const p of batch) p.resolve();
    } catch (error) {
      this.#torn ||= offset > 0;
      this.#size = sizeOf(this.#handle!.fd, this.#size + offset);
      const err = error instanceof Error ? error : new Error(String(error));
      for (const p of batch) p.reject(err);
    }
  }

  /**
   * Each line's place, from the newlines in the bytes written (JSON text has none of its own):
   * measuring each line's UTF-8 length instead made V8 copy every line once more.
   */
  #tell(batch: readonly { line: string; source: object | undefined }[], bytes: Buffer, skip: number): void {
    const observer = this.#observer;
    if (observer === null) return;
    const base = this.#size - bytes.length;
    let at = skip;
    for (const p of batch) {
      const end = bytes.indexOf(0x0a, at) + 1;
      try {
        observer(new Told(base + at, base + end, p.line, p.source));
      } catch {
        // An observer's failure is its own: the bytes are written, the appends succeed.
      }
      at = end;
    }
  }

  /** Waits for every append so far, then closes the file. */
  async close(): Promise<void> {
    this.#closed = true;
    while (this.#writing) await this.#writing;
    await this.#handle?.close();
    this.#handle = null;
  }
}

function sizeOf(fd: number, guess: number): number {
  try {
    return fstatSync(fd).size;
  } catch {
    return guess;
  }
}

/** The journal's record of one accepted delivery: enough to verify, replay and forward it again. */
export interface DeliveryRecord {
  readonly type: "delivery";
  readonly v: 1;
  /** `<run>:<seq>`: unique across runs that share a journal; forward records point at it. */
  readonly key: string;
  readonly seq: number;
  readonly id: string | null;
  readonly received_at: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string | string[]>;
  /** The body as text when it is valid UTF-8 (round-trips exactly), else `body_base64`. */
  readonly body?: string;
  readonly body_base64?: string;
  readonly verified: boolean | null;
  readonly scheme: string | null;
  readonly event: string | null;
  readonly bot_id: string | null;
  readonly duplicate: boolean;
  /** The forward targets this delivery is owed to; a target with no ok forward record is pending. */
  readonly forward_to: readonly string[];
}

/** The journal's record of one forward attempt. */
export interface ForwardRecord {
  readonly type: "forward";
  readonly key: string;
  readonly seq: number;
  readonly id: string | null;
  readonly target: string;
  readonly ok: boolean;
  readonly status: number | null;
  readonly attempt: number;
  readonly at: string;
  readonly latency_ms: number;
  readonly error: string | null;
  /** Set when the delivery was owed to another target and resent here (listen --resend-owed-to). */
  readonly resent_from?: string;
}

export type JournalRecord = DeliveryRecord | ForwardRecord;

/**
 * A delivery's bulky parts as JSON text, made once and shared by the journal line and the
 * `listen --json` record: its headers, its body field (`"body":"..."` or `"body_base64":"..."`)
 * and its arrival time, serialised once per delivery rather than once per line. Found again by the
 * headers object, a new one for each request the listener takes; the body and time it was made from are
 * kept too, so a headers object shared by other deliveries (a library user's) is never given their parts.
 */
export interface EncodedParts {
  readonly headers: string;
  readonly body: string;
  readonly receivedAt: string;
  readonly from: { readonly body: Buffer; readonly receivedAt: number };
  /** The last `event` line made of these parts, and what may differ in it (output/listen.ts eventLine). */
  made: MadeLine | null;
}

interface MadeLine {
  readonly of: number;
  readonly duplicate: boolean;
  readonly status: number;
  readonly late: string | null;
  readonly line: string;
}

/**
 * The parts of the last RECENT deliveries, oldest first: a delivery's journal line, its `--json`
 * record and its inspector entry are made within a few turns of the event loop of each other. Not a
 * WeakMap: V8's young-generation collection keeps a WeakMap's values alive even when their keys
 * are dead, so every delivery's parts and lines outlived two collections and were moved to the old
 * generation (3.3 KB per delivery, npm run bench with --trace-gc-nvp). Large bodies are kept only
 * up to RECENT_SIZE in all (64 bodies of a megabyte, with their text, would be hundreds of
 * megabytes). A delivery found here no longer is serialised again, to the same text.
 */
const RECENT = 64;
const RECENT_SIZE = 8 * 1024 * 1024;
type Kept = EncodedParts & { readonly key: object; readonly size: number };
const recent: Kept[] = [];
let recentSize = 0;

export function encodeParts(d: { readonly headers: object; readonly body: Buffer; readonly receivedAt: number }): EncodedParts {
  for (let i = recent.length - 1; i >= 0; i -= 1) {
    const parts = recent[i]!;
    if (parts.key === d.headers && parts.from.body === d.body && parts.from.receivedAt === d.receivedAt) return parts;
  }
  const body = isUtf8(d.body) ? `"body":${JSON.stringify(d.body.toString("utf8"))}` : `"body_base64":"${d.body.toString("base64")}"`;
  const headers = JSON.stringify(d.headers);
  // The body, its text and (later) the event line that repeats it, roughly.
  const size = d.body.length + 2 * (body.length + headers.length);
  const parts: Kept = { key: d.headers, size, headers, body, receivedAt: isoMs(d.receivedAt), from: { body: d.body, receivedAt: d.receivedAt }, made: null };
  recent.push(parts);
  recentSize += size;
  while (recent.length > RECENT || (recentSize > RECENT_SIZE && recent.length > 1)) recentSize -= recent.shift()!.size;
  return parts;
}

/** JSON text of a list of strings; the usual empty one without the serializer. */
export function jsonList(values: readonly string[]): string {
  return values.length === 0 ? "[]" : JSON.stringify(values);
}

/** The fields of an accepted delivery its journal line is made of (listen/listener.ts AcceptedDelivery). */
export interface JournaledDelivery {
  readonly key: string;
  readonly seq: number;
  readonly id: string | null;
  readonly receivedAt: number;
  readonly path: string;
  readonly headers: object;
  readonly body: Buffer;
  readonly verified: boolean | null;
  readonly scheme: string | null;
  readonly parsed: { readonly event: string | null; readonly botId: string | null };
  readonly duplicate: boolean;
  readonly forwardTo: readonly string[];
}

/** The journal line of a delivery: JSON.stringify of its DeliveryRecord, built from the shared parts. */
export function deliveryLine(d: JournaledDelivery): string {
  const e = encodeParts(d);
  return `{"type":"delivery","v":1,"key":${jsonString(d.key)},"seq":${d.seq},"id":${jsonString(d.id)},"received_at":"${e.receivedAt}","method":"POST",`
    + `"path":${jsonString(d.path)},"headers":${e.headers},${e.body},"verified":${d.verified},"scheme":${jsonString(d.scheme)},`
    + `"event":${jsonString(d.parsed.event)},"bot_id":${jsonString(d.parsed.botId)},"duplicate":${d.duplicate},"forward_to":${jsonList(d.forwardTo)}}`;
}
