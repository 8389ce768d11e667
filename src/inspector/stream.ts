import type { IncomingMessage, ServerResponse } from "node:http";
import { SECURITY_HEADERS } from "./guard.js";
import { isAfter, type JournalStore, parseCursor } from "./store.js";

/** A slow page is cut off, not buffered: it reconnects and resumes from the journal. */
const MAX_BACKLOG = 1024 * 1024;
/** A batch this long goes out at once (a catch-up from the ring can be long). */
const BATCH_CHARS = 64 * 1024;

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
  // The records of one turn of the event loop (a journal write's batch) go out in one socket write:
  // a write per record was a tenth of the listener's CPU with a page attached (npm run bench).
  let batch = "";
  const send = (): void => {
    const text = batch;
    batch = "";
    if (text === "" || res.destroyed) return;
    res.write(text);
    if (res.writableLength > MAX_BACKLOG) res.destroy();
  };
  const queue = (text: string): void => {
    if (batch === "") process.nextTick(send);
    batch += text;
    if (batch.length > BATCH_CHARS) send();
  };
  const write = (e: { pos: number; sub: number; cursor: string }, line: string): void => {
    if (last !== null && !isAfter(e, last)) return;
    last = e;
    queue(`id: ${e.cursor}\ndata: ${line}\n\n`);
  };
  const unsubscribe = store.subscribe((e, line) => (pending ? pending.push([e, line]) : write(e, line)));
  const ping = setInterval(() => queue(": ping\n\n"), 15_000).unref();
  res.on("close", () => { unsubscribe(); clearInterval(ping); streams.delete(res); });
  for await (const [e, line] of store.after(start)) {
    if (res.destroyed) return;
    write(e, line);
  }
  for (const [e, line] of pending) write(e, line);
  pending = null;
  queue("event: caught-up\ndata: {}\n\n");
}
