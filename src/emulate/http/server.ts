import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { checkAuth } from "./auth.js";
import { ApiError } from "./errors.js";
import { type FailRule, IdempotencyCache, type RateLimiter, rollFailure } from "./limits.js";
import { CONTROL_ROUTES } from "./routes-control.js";
import { BOT_ROUTES } from "./routes-bot.js";
import { DOWNLOAD_ROUTE, MEDIA_ROUTES } from "./routes-media.js";
import { type ApiRequest, matchRoute, normalizePath, type Reply, type Route, type RouteContext, WARNING_HEADER } from "./router.js";

// The emulator's HTTP server (node:http): control routes, downloads (no auth, as Recall's links), and
// the REST API behind auth, rate limits, injected failures and Idempotency-Key.

const API_ROUTES: readonly Route[] = [...BOT_ROUTES, ...MEDIA_ROUTES];
const MAX_BODY_BYTES = 1024 * 1024;

export interface ApiRecord {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly ms: number;
  /** Something that works here but not against Recall (a localhost URL Recall's WAF refuses). */
  readonly warning?: string;
}

export interface ApiServerOptions {
  readonly host: string;
  readonly port: number;
  readonly apiKey: string;
  /** The routes' context, without the base URL (known once listening). */
  readonly context: Omit<RouteContext, "base">;
  /** Recall's per-minute limits, when --rate-limit is on. */
  readonly limiter: RateLimiter | null;
  readonly failCreate: readonly FailRule[];
  readonly random: () => number;
  readonly onApi?: (record: ApiRecord) => void;
}

export interface ApiServer {
  readonly server: Server;
  readonly url: string;
  readonly idempotency: IdempotencyCache;
  close(): Promise<void>;
}

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const idempotency = new IdempotencyCache();
  let base = "";
  const context: RouteContext = { ...options.context, get base() { return base; } };
  const server = createServer((req, res) => {
    const started = performance.now();
    void answer(req, options, context, idempotency).then((reply) => {
      write(res, reply);
      const warning = reply.headers?.[WARNING_HEADER];
      options.onApi?.({
        method: req.method ?? "GET", path: req.url ?? "/", status: reply.status, ms: Math.round((performance.now() - started) * 10) / 10,
        ...(warning !== undefined && { warning }),
      });
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => { server.off("error", reject); resolve(); });
  });
  const address = server.address() as { port: number };
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  base = `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${address.port}`;
  return {
    server, url: base, idempotency,
    close: () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}

async function answer(req: IncomingMessage, options: ApiServerOptions, ctx: RouteContext, idempotency: IdempotencyCache): Promise<Reply> {
  try {
    const method = req.method ?? "GET";
    const url = new URL(req.url ?? "/", ctx.base);
    const path = normalizePath(url.pathname);
    if (path.startsWith("/_emulator/")) {
      if (!isLocalHost(req.headers.host, options.host)) throw new ApiError(403, { detail: "The control API answers only requests addressed to this machine (Host: 127.0.0.1 or localhost)." });
      const { route, params } = matchRoute(CONTROL_ROUTES, method, path);
      return await route.handle(await request(req, method, path, url), params, ctx);
    }
    if (DOWNLOAD_ROUTE.pattern.test(path)) {
      const { route, params } = matchRoute([DOWNLOAD_ROUTE], method, path);
      return await route.handle(await request(req, method, path, url), params, ctx);
    }
    const denied = checkAuth(req.headers.authorization, options.apiKey);
    if (denied !== null) throw denied;
    const { route, params } = matchRoute(API_ROUTES, method, path);
    const bucket = options.limiter !== null && route.bucket !== undefined ? route.bucket(params, ctx) : null;
    const limited = bucket === null ? null : options.limiter!.check(bucket.key, bucket.limit);
    if (limited !== null) throw limited;
    const key = idempotencyKey(req, method, path);
    const stored = key === null ? undefined : idempotency.get(key);
    if (stored !== undefined) return { status: stored.status, raw: { type: "application/json", data: stored.body }, headers: { ...stored.headers, "idempotent-replayed": "true" } };
    const failure = route.create ? rollFailure(options.failCreate, options.random) : null;
    if (failure !== null) throw failure;
    const reply = await route.handle(await request(req, method, path, url), params, ctx);
    if (key !== null && reply.status < 500) {
      idempotency.set(key, { status: reply.status, body: reply.body === undefined ? "" : JSON.stringify(reply.body), headers: { ...reply.headers } });
    }
    return reply;
  } catch (error) {
    if (error instanceof ApiError) return { status: error.status, body: error.body, headers: error.headers };
    return { status: 500, body: { detail: `recall-hooks emulator: internal error: ${error instanceof Error ? error.message : String(error)}` } };
  }
}

/**
 * The control API has no auth: a web page the developer visits must not reach it through DNS
 * rebinding, so the Host header must name this machine (or the address the emulator was bound to).
 */
function isLocalHost(header: string | undefined, bound: string): boolean {
  if (header === undefined) return false;
  const name = header.replace(/:\d+$/, "").replace(/^\[|\]$/g, "").toLowerCase();
  return name === "127.0.0.1" || name === "localhost" || name === "::1" || name === bound.toLowerCase();
}

function idempotencyKey(req: IncomingMessage, method: string, path: string): string | null {
  const key = req.headers["idempotency-key"];
  if (typeof key !== "string" || key === "" || !["POST", "PATCH", "PUT"].includes(method)) return null;
  return `${method} ${path} ${key}`;
}

async function request(req: IncomingMessage, method: string, path: string, url: URL): Promise<ApiRequest> {
  const body = method === "GET" || method === "DELETE" || method === "HEAD" ? undefined : await readJson(req);
  return { method, path, url, headers: req.headers, body };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, { detail: "Request body too large." });
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (text === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ApiError(400, { detail: `JSON parse error - ${error instanceof Error ? error.message : String(error)}` });
  }
}

function write(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.status === 204) {
    res.writeHead(204, headers).end();
    return;
  }
  const data = reply.raw !== undefined ? reply.raw.data : JSON.stringify(reply.body ?? null);
  headers["content-type"] = reply.raw?.type ?? "application/json";
  headers["content-length"] = String(Buffer.byteLength(data));
  res.writeHead(reply.status, headers).end(data);
}
