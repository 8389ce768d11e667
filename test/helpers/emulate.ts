import { createServer, type Server } from "node:http";
import { Webhook } from "svix";

/** One webhook the app received, verified with svix's own Webhook.verify. */
export interface Hook {
  readonly id: string;
  readonly timestamp: number;
  readonly verified: boolean;
  readonly event: string;
  readonly body: { event: string; data: Record<string, any> };
  readonly botId: string | null;
  readonly code: string | null;
  readonly subCode: string | null;
  readonly updatedAt: string | null;
}

/**
 * A stand-in for the app's webhook route: verifies like a user's svix handler (401 when that fails),
 * records what came, and answers what `handle` says (it may take its time: the emulator at speed 0
 * waits for it).
 */
export class WebhookApp {
  readonly hooks: Hook[] = [];
  handle: (hook: Hook) => number | Promise<number> = () => 204;
  readonly #server: Server;
  readonly #webhook: Webhook;
  #waiters: Array<() => void> = [];
  url = "";

  private constructor(secret: string) {
    this.#webhook = new Webhook(secret);
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let verified = true;
        try {
          this.#webhook.verify(text, req.headers as Record<string, string>);
        } catch {
          verified = false;
        }
        const body = JSON.parse(text) as Hook["body"];
        const data = body.data ?? {};
        const hook: Hook = {
          id: String(req.headers["webhook-id"]), timestamp: Number(req.headers["webhook-timestamp"]), verified, event: body.event, body,
          botId: data["bot"]?.id ?? null, code: data["data"]?.code ?? null, subCode: data["data"]?.sub_code ?? null, updatedAt: data["data"]?.updated_at ?? null,
        };
        this.hooks.push(hook);
        for (const w of this.#waiters.splice(0)) w();
        void Promise.resolve(verified ? this.handle(hook) : 401).then((status) => res.writeHead(status).end());
      });
    });
  }

  static async start(secret: string): Promise<WebhookApp> {
    const app = new WebhookApp(secret);
    await new Promise<void>((r) => app.#server.listen(0, "127.0.0.1", r));
    app.url = `http://127.0.0.1:${(app.#server.address() as { port: number }).port}/webhooks/recall`;
    return app;
  }

  /** The first hook (seen or to come) that matches. */
  async waitFor(predicate: (h: Hook) => boolean): Promise<Hook> {
    for (;;) {
      const found = this.hooks.find(predicate);
      if (found !== undefined) return found;
      await new Promise<void>((r) => this.#waiters.push(r));
    }
  }

  /** Resolves once `count` hooks match. */
  async waitForCount(predicate: (h: Hook) => boolean, count: number): Promise<Hook[]> {
    for (;;) {
      const found = this.hooks.filter(predicate);
      if (found.length >= count) return found;
      await new Promise<void>((r) => this.#waiters.push(r));
    }
  }

  botHooks(botId: string): Hook[] {
    return this.hooks.filter((h) => h.botId === botId && h.event.startsWith("bot."));
  }

  close(): Promise<void> {
    return new Promise((r) => { this.#server.closeAllConnections(); this.#server.close(() => r()); });
  }
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly json: any;
}

/** Calls the emulator like an app: `Authorization: Token <key>` unless other headers are given. */
export function recallClient(base: string, apiKey: string) {
  return async (method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Token ${apiKey}`, ...(body !== undefined && { "content-type": "application/json" }), ...headers },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, json: text === "" ? null : JSON.parse(text) };
  };
}

export const MEET = "https://meet.google.com/abc-defg-hij";
