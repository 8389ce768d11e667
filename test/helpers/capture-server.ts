import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "svix";

/** One request as the capture server saw it, with the Recall fields tests look at. */
export interface Captured {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** The body as UTF-8 text. */
  readonly text: string;
  /** svix's own Webhook.verify (real clock, 5-minute window) said yes; null when no secret was given. */
  readonly verified: boolean | null;
  readonly id: string;
  readonly timestamp: number;
  readonly event: string;
  readonly botId: string | null;
  readonly code: string | null;
  readonly updatedAt: string | null;
}

/** A status, a status and body (after `delayMs` when given), or "hang": never answer. */
export type Answer = number | { readonly status: number; readonly body?: string; readonly delayMs?: number } | "hang";

export interface CaptureOptions {
  /** Verify each request with svix, as a user's handler would. */
  readonly secret?: string;
  /** With a secret: answer 401 to what fails verification (default true). */
  readonly enforce?: boolean;
}

/**
 * The one stand-in for a user's app in the tests: records every request and answers as `respond`
 * says (default 204; "hang" never answers). With a secret it verifies like a svix-based handler.
 */
export class CaptureServer {
  readonly requests: Captured[] = [];
  readonly server: Server;
  respond: (request: Captured, index: number) => Answer = () => 204;
  /** TCP connections opened to it. */
  connections = 0;
  port = 0;
  readonly #webhook: Webhook | null;
  readonly #enforce: boolean;
  #waiters: (() => void)[] = [];
  readonly #delayed = new Set<NodeJS.Timeout>();

  constructor(options: CaptureOptions = {}) {
    this.#webhook = options.secret === undefined ? null : new Webhook(options.secret);
    this.#enforce = options.enforce ?? true;
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const got = this.#capture(req.url ?? "/", req.headers, Buffer.concat(chunks));
        this.requests.push(got);
        for (const wake of this.#waiters.splice(0)) wake();
        const answer = got.verified === false && this.#enforce ? 401 : this.respond(got, this.requests.length - 1);
        if (answer === "hang") return;
        const { status, body, delayMs } = typeof answer === "number" ? { status: answer, body: status3xxUp(answer), delayMs: undefined } : answer;
        if (delayMs === undefined) return void res.writeHead(status).end(body ?? "");
        const timer = setTimeout(() => { this.#delayed.delete(timer); res.writeHead(status).end(body ?? ""); }, delayMs);
        this.#delayed.add(timer);
      });
    });
    this.server.on("connection", () => { this.connections += 1; });
  }

  /** A started server that verifies with `secret`; `answer` decides the status of verified requests. */
  static start(options: CaptureOptions = {}, respond?: CaptureServer["respond"]): Promise<CaptureServer> {
    const server = new CaptureServer(options);
    if (respond) server.respond = respond;
    return server.listen();
  }

  async listen(port = 0, host = "127.0.0.1"): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(port, host, resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/webhooks/recall`;
  }

  /** The requests so far, as the svix-verifying receiver's tests call them. */
  get received(): Captured[] {
    return this.requests;
  }

  async waitForRequests(count: number): Promise<Captured[]> {
    while (this.requests.length < count) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    return this.requests;
  }

  /** Closes every connection, answers still waiting on a delay included. */
  close(): Promise<void> {
    for (const timer of this.#delayed) clearTimeout(timer);
    this.#delayed.clear();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  #capture(path: string, headers: IncomingHttpHeaders, body: Buffer): Captured {
    const text = body.toString("utf8");
    let verified: boolean | null = null;
    if (this.#webhook) {
      try {
        this.#webhook.verify(text, headers as Record<string, string>);
        verified = true;
      } catch {
        verified = false;
      }
    }
    const json = safeJson(text);
    const data = json?.["data"] as { data?: { code?: string; updated_at?: string }; bot?: { id?: string } } | undefined;
    const header = (name: string): string => String(headers[`webhook-${name}`] ?? headers[`svix-${name}`] ?? "");
    return {
      path, headers, body, text, verified, id: header("id"), timestamp: Number(header("timestamp")),
      event: typeof json?.["event"] === "string" ? json["event"] : "", botId: data?.bot?.id ?? null,
      code: data?.data?.code ?? null, updatedAt: data?.data?.updated_at ?? null,
    };
  }
}

/** A failing answer carries a body a test can look for. */
function status3xxUp(status: number): string | undefined {
  return status >= 300 ? `nope ${status}` : undefined;
}

function safeJson(text: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === "object" && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
