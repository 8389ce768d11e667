import type { Dispatcher } from "undici";

/** Recall (Svix) counts an answer slower than this as failed, and retries. */
export const RECALL_TIMEOUT_MS = 15_000;

export interface DeliveryRequest {
  readonly url: string | URL;
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  readonly body: string | Uint8Array;
  /** Give up after this long without an answer. */
  readonly timeoutMs?: number;
  /** An undici dispatcher (a keep-alive pool, a MockAgent in tests). */
  readonly dispatcher?: Dispatcher;
  readonly method?: string;
  /** Milliseconds clock for latency. */
  readonly clock?: () => number;
  /** How much of the answer's body to keep, for display. */
  readonly maxBodyBytes?: number;
}

export interface DeliveryResult {
  /** The HTTP status, or null when no answer came. */
  readonly status: number | null;
  readonly ok: boolean;
  readonly latencyMs: number;
  /** The start of the answer's body (for failures). */
  readonly body: string;
  /** What went wrong when there was no answer: refused, timeout, reset, dns, other. */
  readonly error: DeliveryErrorKind | null;
  readonly errorMessage: string | null;
}

export type DeliveryErrorKind = "refused" | "timeout" | "reset" | "dns" | "other";

/** Sends one request with undici: no redirects followed, a hard timeout, the body read and kept short. */
export async function deliver(request: DeliveryRequest): Promise<DeliveryResult> {
  const undici = await import("undici");
  const clock = request.clock ?? performance.now.bind(performance);
  const timeoutMs = request.timeoutMs ?? RECALL_TIMEOUT_MS;
  const started = clock();
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await undici.request(request.url, {
      method: (request.method ?? "POST") as Dispatcher.HttpMethod,
      headers: request.headers as Record<string, string | string[]>,
      body: typeof request.body === "string" ? request.body : Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength),
      dispatcher: request.dispatcher ?? defaultDispatcher(undici),
      signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const body = await readSome(response.body, request.maxBodyBytes ?? 2048);
    const latencyMs = clock() - started;
    const ok = response.statusCode >= 200 && response.statusCode < 300;
    return { status: response.statusCode, ok, latencyMs, body, error: null, errorMessage: null };
  } catch (error) {
    const latencyMs = clock() - started;
    const kind = classify(error, signal.aborted);
    return { status: null, ok: false, latencyMs, body: "", error: kind, errorMessage: describe(error, kind, timeoutMs) };
  }
}

async function readSome(body: AsyncIterable<Buffer> & { destroy?: () => void }, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size < limit) chunks.push(chunk);
    size += chunk.length;
  }
  const text = Buffer.concat(chunks).subarray(0, limit).toString("utf8");
  return size > limit ? `${text}…` : text;
}

function classify(error: unknown, aborted: boolean): DeliveryErrorKind {
  if (aborted) return "timeout";
  const code = (error as { code?: string; cause?: { code?: string } }).code ?? (error as { cause?: { code?: string } }).cause?.code;
  switch (code) {
    case "ECONNREFUSED": return "refused";
    case "UND_ERR_HEADERS_TIMEOUT":
    case "UND_ERR_BODY_TIMEOUT":
    case "UND_ERR_CONNECT_TIMEOUT":
    case "ETIMEDOUT": return "timeout";
    case "ECONNRESET":
    case "UND_ERR_SOCKET":
    case "EPIPE": return "reset";
    case "ENOTFOUND":
    case "EAI_AGAIN": return "dns";
    default: return "other";
  }
}

function describe(error: unknown, kind: DeliveryErrorKind, timeoutMs: number): string {
  if (kind === "timeout") return `no answer within ${timeoutMs} ms`;
  if (kind === "refused") return "connection refused";
  if (kind === "reset") return "connection closed before an answer";
  if (kind === "dns") return "the host name does not resolve";
  return describeOther(error);
}

/** undici's and node's messages ("The client is destroyed") are not shown: each known code gets ours. */
function describeOther(error: unknown): string {
  const code = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code ?? "";
  if (code === "UND_ERR_DESTROYED" || code === "UND_ERR_CLOSED" || (error as Error).name === "AbortError") return "stopped before an answer came";
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH") return "the host cannot be reached from here";
  if (code.startsWith("HPE_") || code === "UND_ERR_RES_CONTENT_LENGTH_MISMATCH") return "the answer was not valid HTTP";
  if (code === "EPROTO" || code.startsWith("ERR_SSL")) return "TLS failed: is the URL https:// for an http server, or the reverse?";
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) return `the target's TLS certificate was refused (${code})`;
  if (code === "UND_ERR_INVALID_ARG" || code === "ERR_INVALID_ARG_TYPE" || code === "ERR_INVALID_CHAR") return "a header of the request could not be sent as is";
  return `the request failed${code ? ` (${code})` : ""}`;
}

let shared: Dispatcher | undefined;

/** deliver()'s pool when none is passed: one keep-alive Agent for the process, no proxy. */
function defaultDispatcher(undici: typeof import("undici")): Dispatcher {
  shared ??= makeDispatcher(undici, {}, 64);
  return shared;
}

export interface DispatcherOptions {
  /** Connections per origin; default 64. */
  readonly connections?: number;
}

// undici reads "::1" as host ":" port 1; the bracketed form is what it compares against.
const LOOPBACK = ["localhost", "127.0.0.1", "[::1]"];

/**
 * The one way a pool for outgoing requests is made (send, simulate, replay, forward): keep-alive.
 * HTTP(S)_PROXY (either case) in `env` is honoured for remote targets, NO_PROXY too; loopback
 * targets never go through a proxy; no env, no proxy. The caller closes it.
 */
export async function createDispatcher(env: Readonly<Record<string, string | undefined>> = {}, options: DispatcherOptions = {}): Promise<Dispatcher> {
  return makeDispatcher(await import("undici"), env, options.connections ?? 64);
}

function makeDispatcher(undici: typeof import("undici"), env: Readonly<Record<string, string | undefined>>, connections: number): Dispatcher {
  const pool = { keepAliveTimeout: 4_000, connections };
  // Passed explicitly (empty for none) so undici does not fall back to process.env.
  const httpProxy = env.http_proxy ?? env.HTTP_PROXY ?? "";
  const httpsProxy = env.https_proxy ?? env.HTTPS_PROXY ?? "";
  if (httpProxy === "" && httpsProxy === "") return new undici.Agent(pool);
  const noProxy = [env.no_proxy ?? env.NO_PROXY, ...LOOPBACK].filter(Boolean).join(",");
  return new undici.EnvHttpProxyAgent({ ...pool, httpProxy, httpsProxy, noProxy });
}

/** A hint for a failed delivery, in the user's terms; null when there is nothing to add. */
export function hintFor(result: Pick<DeliveryResult, "status" | "error" | "latencyMs">, url: string): string | null {
  if (result.error === "refused") return `nothing is listening at ${url}: start your app, or fix the URL`;
  if (result.error === "timeout") return "no answer in time: Recall waits 15 s, then counts a failure and retries. Answer 2xx first, work after";
  if (result.error === "reset") return "the connection was closed without an answer: did the handler crash?";
  if (result.error === "dns") return "the host name does not resolve: check the URL";
  if (result.status === null) return null;
  if (result.latencyMs > RECALL_TIMEOUT_MS) return "slower than 15 s: Recall times this out and delivers it again";
  if (result.status === 400) return "a 400 from a webhook handler is often a signature check on a parsed body: verify the raw bytes (express.raw(), request.body())";
  if (result.status === 401 || result.status === 403) return "the route rejected the request: is it behind auth, or is the handler's secret a different one?";
  if (result.status === 404) return "no route at this path: check the URL's path";
  if (result.status === 405) return "the route does not take POST";
  if (result.status >= 300 && result.status < 400) return "a redirect counts as a failure for Recall: point at the final URL";
  if (result.status >= 500) return "the handler failed: Recall retries non-2xx answers for about a day";
  return null;
}
