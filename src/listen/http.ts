import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";

/** A request whose whole body has been read under the cap. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  /** Lower-cased names; a repeated header keeps every value. */
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
  /** Milliseconds since the epoch, when the last byte arrived. */
  readonly receivedAt: number;
}

export interface Answer {
  readonly status: number;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A request refused before the handler saw it (wrong method, too large, not fully sent). */
export interface Refusal {
  readonly status: number;
  readonly method: string;
  readonly path: string;
  readonly reason: "method_not_allowed" | "too_large";
  readonly message: string;
}

export interface HttpServerOptions {
  readonly host: string;
  readonly port: number;
  readonly maxBodyBytes: number;
  /** Time allowed for a request's headers. */
  readonly headerTimeoutMs: number;
  /** Time allowed for a whole request, headers and body. */
  readonly requestTimeoutMs: number;
  readonly now: () => number;
  readonly handle: (request: ReceivedRequest) => Promise<Answer>;
  readonly onRefused: (refusal: Refusal) => void;
}

export interface RunningServer {
  readonly server: Server;
  readonly host: string;
  readonly port: number;
  /** Stops accepting, lets requests under way finish, then resolves. */
  close(): Promise<void>;
}

const TEXT = { "content-type": "text/plain; charset=utf-8" };

/** The listener's HTTP side: method, size cap and timeouts are enforced before the handler runs. */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const state = { closing: false };
  const server = createServer({
    // node refuses a header timeout longer than the whole-request one.
    headersTimeout: Math.min(options.headerTimeoutMs, options.requestTimeoutMs),
    requestTimeout: options.requestTimeoutMs,
    // Node checks the two timeouts above on this interval (30 s by default): far too coarse.
    connectionsCheckingInterval: Math.min(500, options.headerTimeoutMs),
    keepAliveTimeout: 5_000,
  }, (req, res) => {
    // Once stopping, every answer closes its connection, so keep-alive clients (ngrok's) do not hold the exit.
    if (state.closing) res.setHeader("connection", "close");
    res.on("finish", () => { if (state.closing) server.closeIdleConnections(); });
    onRequest(req, res, options);
  });
  server.on("clientError", (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const status = error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : error.code === "HPE_HEADER_OVERFLOW" ? 431 : 400;
    socket.end(`HTTP/1.1 ${status} ${status === 408 ? "Request Timeout" : status === 431 ? "Request Header Fields Too Large" : "Bad Request"}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`, () => destroySoon(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      // A failed accept (EMFILE under a flood) refuses that one client; it must not end the listener.
      server.on("error", () => {});
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    server,
    host: options.host,
    port: address.port,
    close: () => new Promise<void>((resolve) => {
      state.closing = true;
      server.close(() => resolve());
      server.closeIdleConnections();
    }),
  };
}

/**
 * How long a refused connection is kept once its answer is flushed. end() only half-closes: a
 * client that never reads and keeps writing (a slowloris) would keep the socket, and its file
 * descriptor, for as long as it writes. A client that reads has the answer well before this.
 */
const LINGER_MS = 1_000;

function destroySoon(socket: Duplex): void {
  if (socket.destroyed) return;
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once("close", () => clearTimeout(timer));
}

function onRequest(req: IncomingMessage, res: ServerResponse, options: HttpServerOptions): void {
  const method = req.method ?? "GET";
  const path = req.url ?? "/";
  if (method !== "POST") {
    options.onRefused({ status: 405, method, path, reason: "method_not_allowed", message: `${method} is not accepted: Recall POSTs its webhooks.` });
    res.writeHead(405, { ...TEXT, allow: "POST" }).end("method not allowed\n");
    req.resume();
    return;
  }
  const headers = headersOf(req);
  const declared = Number(headers["content-length"]);
  if (Number.isFinite(declared) && declared > options.maxBodyBytes) {
    refuseTooLarge(req, res, options, path, `${declared} bytes declared`);
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let refused = false;
  req.on("data", (chunk: Buffer) => {
    if (refused) return;
    size += chunk.length;
    if (size > options.maxBodyBytes) {
      refused = true;
      refuseTooLarge(req, res, options, path, `more than ${options.maxBodyBytes} bytes sent`);
      return;
    }
    chunks.push(chunk);
  });
  req.on("end", () => {
    if (refused) return;
    const request: ReceivedRequest = {
      method,
      path,
      headers,
      body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size),
      receivedAt: options.now(),
    };
    options.handle(request).then(
      (answer) => send(res, answer),
      () => send(res, { status: 500, body: "internal error\n" }),
    );
  });
  // A client that goes away mid-body: nothing to answer, nothing was accepted.
  req.on("error", () => {});
}

/** Past this many bytes, a refused body is not read on: the connection is cut. */
const DRAIN_LIMIT = 16 * 1024 * 1024;

/**
 * 413 at once, but the connection stays open while the client finishes sending, and what it sends
 * is read and dropped: a connection closed while the client is still sending is reset, and the
 * client never sees the 413 (npm test: faults-bodies). Reading stops at DRAIN_LIMIT bytes, and the
 * socket is destroyed LINGER_MS after the 413 is flushed, whatever the client is still doing.
 */
function refuseTooLarge(req: IncomingMessage, res: ServerResponse, options: HttpServerOptions, path: string, detail: string): void {
  options.onRefused({
    status: 413, method: "POST", path, reason: "too_large",
    message: `Body over the ${options.maxBodyBytes}-byte cap (${detail}); raise it with --max-body.`,
  });
  // Cut at once when the body is declared past the limit, or the listener is stopping.
  const cut = Number(req.headers["content-length"]) > DRAIN_LIMIT || res.getHeader("connection") === "close";
  // An explicit keep-alive stops node from closing the socket as soon as the answer is out.
  const body = "payload too large\n";
  res.writeHead(413, { ...TEXT, "content-length": body.length, connection: cut ? "close" : "keep-alive" }).end(body, () => {
    if (cut) req.destroy();
    else destroySoon(req.socket);
  });
  let drained = 0;
  req.on("data", (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_LIMIT) req.destroy();
  });
  // Everything is read: a client that asked to close can be closed on cleanly now.
  req.on("end", () => { if (/\bclose\b/i.test(req.headers.connection ?? "")) req.socket.end(); });
  req.resume();
}

function send(res: ServerResponse, answer: Answer): void {
  if (res.headersSent || res.destroyed) return;
  if (answer.body) res.writeHead(answer.status, { ...TEXT, ...answer.headers });
  else if (answer.headers) res.writeHead(answer.status, answer.headers);
  else res.writeHead(answer.status);
  res.end(answer.body);
}

/**
 * Header names in lower case, a repeated header as the list of its values, in arrival order. node
 * has built req.headers already (its server reads `expect` from it), and when no name came twice
 * that object is this record, so it is taken as it is; otherwise (node joins some repeated values
 * and drops others) the record is read from rawHeaders. node's headersDistinct would build a list
 * per header: a few microseconds per request (npm run bench).
 */
function headersOf(req: IncomingMessage): Record<string, string | string[]> {
  const made = req.headers as Record<string, string | string[] | undefined>;
  let names = 0;
  for (const name in made) {
    if (typeof made[name] !== "string") return fromRawHeaders(req.rawHeaders);
    names += 1;
  }
  return names * 2 === req.rawHeaders.length ? made as Record<string, string> : fromRawHeaders(req.rawHeaders);
}

function fromRawHeaders(raw: readonly string[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    const seen = Object.hasOwn(out, name) ? out[name] : undefined;
    // A header named __proto__ is data like any other, not the object's prototype.
    if (name === "__proto__") Object.defineProperty(out, name, { value: seen === undefined ? value : [seen, value].flat(), enumerable: true, writable: true, configurable: true });
    else if (seen === undefined) out[name] = value;
    else if (typeof seen === "string") out[name] = [seen, value];
    else seen.push(value);
  }
  return out;
}
