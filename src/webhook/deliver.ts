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

/**
 * Sends one request with undici: no redirects followed, a hard timeout, the body read and kept short.
 * It dispatches with a plain handler rather than undici's request(): no body stream, abort signal
 * or async resource per answer, which was several times the work of the request itself (npm run bench).
 */
export async function deliver(request: DeliveryRequest): Promise<DeliveryResult> {
  const dispatcher = request.dispatcher ?? (await defaultDispatcher());
  return new Promise<DeliveryResult>((resolve) => {
    const handler = new DeliveryHandler(request, resolve);
    let target: Target;
    try {
      target = targetOf(request.url);
    } catch (error) {
      handler.onError(error as Error);
      return;
    }
    const body = request.body;
    // dispatch() reports bad arguments (an invalid header, say) through onError, like a failed request.
    dispatcher.dispatch({
      origin: target.origin,
      path: target.path,
      method: (request.method ?? "POST") as Dispatcher.HttpMethod,
      headers: request.headers as Record<string, string | string[]>,
      body: typeof body === "string" ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength),
      headersTimeout: handler.timeoutMs,
      bodyTimeout: handler.timeoutMs,
    }, handler);
  });
}

/**
 * undici's dispatch handler for one delivery: keeps the start of the answer's body and settles once,
 * on the answer's end, an error, or the timeout (one timer per request: it also covers the wait for
 * a connection, which undici's own headers/body timeouts do not).
 */
class DeliveryHandler implements Dispatcher.DispatchHandler {
  readonly timeoutMs: number;
  readonly #clock: () => number;
  readonly #started: number;
  readonly #limit: number;
  readonly #resolve: (result: DeliveryResult) => void;
  readonly #timer: NodeJS.Timeout;
  #abort: ((error: Error) => void) | null = null;
  #status = 0;
  #chunks: Buffer[] = [];
  #size = 0;
  #timedOut = false;
  #settled = false;

  constructor(request: DeliveryRequest, resolve: (result: DeliveryResult) => void) {
    this.#clock = request.clock ?? now;
    this.timeoutMs = request.timeoutMs ?? RECALL_TIMEOUT_MS;
    this.#limit = request.maxBodyBytes ?? 2048;
    this.#resolve = resolve;
    this.#started = this.#clock();
    this.#timer = setTimeout(() => this.#onTimeout(), this.timeoutMs);
  }

  onConnect(abort: (error: Error) => void): void {
    this.#abort = abort;
    if (this.#timedOut) abort(timeoutError());
  }

  onHeaders(statusCode: number): boolean {
    // 1xx answers (100 Continue) come before the real one.
    if (statusCode >= 200) this.#status = statusCode;
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.#size < this.#limit) this.#chunks.push(chunk);
    this.#size += chunk.length;
    return true;
  }

  onComplete(): void {
    const chunks = this.#chunks;
    const text = chunks.length === 0 ? "" : (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).subarray(0, this.#limit).toString("utf8");
    const status = this.#status;
    const ok = status >= 200 && status < 300;
    this.#settle({ status, ok, latencyMs: this.#clock() - this.#started, body: this.#size > this.#limit ? `${text}…` : text, error: null, errorMessage: null });
  }

  onError(error: Error): void {
    const kind = classify(error, this.#timedOut);
    this.#settle({ status: null, ok: false, latencyMs: this.#clock() - this.#started, body: "", error: kind, errorMessage: describe(error, kind, this.timeoutMs) });
  }

  #onTimeout(): void {
    this.#timedOut = true;
    // Waiting for a connection: undici calls onConnect (and so the abort) only once one is free.
    if (this.#abort === null) this.onError(timeoutError());
    else this.#abort(timeoutError());
  }

  #settle(result: DeliveryResult): void {
    if (this.#settled) return;
    this.#settled = true;
    clearTimeout(this.#timer);
    this.#chunks = [];
    this.#resolve(result);
  }
}

const now = (): number => performance.now();

function timeoutError(): Error {
  return Object.assign(new Error("timeout"), { name: "TimeoutError" });
}

interface Target {
  readonly origin: string;
  readonly path: string;
}

/** The last target parsed: a run sends every request to the same one or two URLs. */
let lastUrl: string | URL | null = null;
let lastTarget: Target | null = null;

/** undici's origin and path for a URL, as undici.request() splits it; only http(s) is sent. */
function targetOf(url: string | URL): Target {
  if (url === lastUrl && lastTarget !== null) return lastTarget;
  const parsed = typeof url === "string" ? new URL(url) : url;
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw Object.assign(new Error("Invalid URL protocol: the URL must start with `http:` or `https:`."), { code: "UND_ERR_INVALID_ARG" });
  }
  const target = { origin: parsed.origin, path: parsed.search ? `${parsed.pathname}${parsed.search}` : parsed.pathname };
  // A URL object can change after the call; only strings are remembered.
  if (typeof url === "string") {
    lastUrl = url;
    lastTarget = target;
  }
  return target;
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
async function defaultDispatcher(): Promise<Dispatcher> {
  shared ??= makeDispatcher(await import("undici"), {}, 64);
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
