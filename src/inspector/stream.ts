import type { IncomingMessage, ServerResponse } from "node:http";
import { SECURITY_HEADERS } from "./guard.js";
import { isAfter, type JournalStore, parseCursor } from "./store.js";

/** A slow page is cut off, not buffered: it reconnects and resumes from the journal. */
const MAX_BACKLOG = 1024 * 1024;
/** A batch this long goes out at once (a catch-up from the ring can be long). */
const BATCH_BYTES = 256 * 1024;
/**
 * How long live records wait to go out together. A page shows them no sooner than its next frame
 * anyway, and each socket write costs the listener (and wakes the page): under load, one write per
 * turn of the event loop was 6 us of the listener's CPU per delivery (npm run bench).
 */
const BATCH_MS = 25;

/**
 * `GET /api/stream`: Server-Sent Events. Catches up from the cursor the browser sends back
 * (Last-Event-ID on its own reconnects, or ?after=), then goes live; records that arrive during the
 * catch-up wait in a queue and are sent after it, each exactly once.
 */
export async function serveStream(store: JournalStore, req: IncomingMessage, res: ServerResponse, url: URL, streams: Set<ServerResponse>): Promise<void> {
  const cursor = parseCursor(req.headers["last-event-id"] as string | undefined) ?? parseCursor(url.searchParams.get("after"));
  const start = cursor !== null && cursor.pos > store.offset ? null : cursor; // a cursor from another journal: from the top
  res.writeHead(200, { ...SECURITY_HEADERS, "content-type": "text/event-stream; charset=utf-8", connection: "keep-alive" });
  res.write("retry: 1000\n\n");
  streams.add(res);
  let last = start;
  let pending: [{ pos: number; sub: number; cursor: string }, string][] | null = [];
  // Records are copied into a buffer as they come, so their strings die young (kept in a string
  // until the write, each line outlived a collection or two of the young generation), and go out in
  // one socket write per BATCH_MS: a write per record was a tenth of the listener's CPU with a page
  // attached (npm run bench).
  let buf: Buffer | null = null;
  let used = 0;
  let timer: NodeJS.Timeout | undefined;
  // Buffers the socket has taken, to fill again: a fresh one per batch made V8 collect more often.
  const spare: Buffer[] = [];
  const send = (): void => {
    clearTimeout(timer);
    const full = buf;
    const length = used;
    buf = null;
    used = 0;
    if (full === null || length === 0 || res.destroyed) return;
    res.write(full.subarray(0, length), () => { if (full.length === BATCH_BYTES && spare.length < 2) spare.push(full); });
    if (res.writableLength > MAX_BACKLOG) res.destroy();
  };
  const queue = (text: string): void => {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    if (buf !== null && text.length * 3 > buf.length - used) send();
    if (buf === null) {
      buf = text.length * 3 > BATCH_BYTES ? Buffer.allocUnsafe(text.length * 3) : spare.pop() ?? Buffer.allocUnsafe(BATCH_BYTES);
      timer = setTimeout(send, BATCH_MS).unref();
    }
    used += buf.write(text, used);
  };
  const write = (e: { pos: number; sub: number; cursor: string }, line: string): void => {
    if (last !== null && !isAfter(e, last)) return;
    last = e;
    queue(`id: ${e.cursor}\ndata: `);
    queue(line);
    queue("\n\n");
  };
  const unsubscribe = store.subscribe((e, line) => (pending ? pending.push([e, line]) : write(e, line)));
  const ping = setInterval(() => queue(": ping\n\n"), 15_000).unref();
  res.on("close", () => { unsubscribe(); clearInterval(ping); clearTimeout(timer); streams.delete(res); });
  for await (const [e, line] of store.after(start)) {
    if (res.destroyed) return;
    write(e, line);
    // The catch-up goes at the page's pace: a window read at once is megabytes, which the cut-off
    // for a page that falls behind (MAX_BACKLOG) is not meant for.
    if (res.writableLength > MAX_BACKLOG / 2) await drained(res);
  }
  for (const [e, line] of pending) write(e, line);
  pending = null;
  queue("event: caught-up\ndata: {}\n\n");
}

/** Resolves once the socket has taken what was written, or is gone. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}
