import { createServer, type IncomingHttpHeaders } from "node:http";
import { Webhook } from "svix";
import { canFollow } from "../../src/recall/lifecycle.js";

/** What the receiver saw of one request. */
export interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly verified: boolean;
  readonly id: string;
  readonly timestamp: number;
  readonly event: string;
  readonly botId: string | null;
  readonly code: string | null;
  readonly updatedAt: string | null;
}

export interface Receiver {
  readonly url: string;
  readonly received: Received[];
  /** TCP connections opened to it. */
  connections: number;
  close(): Promise<void>;
}

/**
 * A handler like a user's: verifies with svix's own Webhook.verify (real clock, 5 minute window),
 * answers 401 when that fails (unless `enforce` is false), else whatever `answer` says (default 204).
 */
export async function startReceiver(secret: string, answer: (r: Received, index: number) => number = () => 204, enforce = true): Promise<Receiver> {
  const webhook = new Webhook(secret);
  const received: Received[] = [];
  const state = { connections: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let verified = true;
      try {
        webhook.verify(body, req.headers as Record<string, string>);
      } catch {
        verified = false;
      }
      const json = safeJson(body);
      const data = json?.data as { data?: { code?: string; updated_at?: string }; bot?: { id?: string } } | undefined;
      const header = (name: string): string => String(req.headers[`webhook-${name}`] ?? req.headers[`svix-${name}`] ?? "");
      const r: Received = {
        headers: req.headers, body, verified, id: header("id"), timestamp: Number(header("timestamp")),
        event: typeof json?.event === "string" ? json.event : "", botId: data?.bot?.id ?? null,
        code: data?.data?.code ?? null, updatedAt: data?.data?.updated_at ?? null,
      };
      received.push(r);
      const status = verified || !enforce ? answer(r, received.length - 1) : 401;
      res.writeHead(status).end(status >= 300 ? `nope ${status}` : undefined);
    });
  });
  server.on("connection", () => { state.connections += 1; });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/webhooks/recall`,
    received,
    get connections() { return state.connections; },
    set connections(n: number) { state.connections = n; },
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

function safeJson(text: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === "object" && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Every failure of the status graph in a list of bot codes; empty when the walk is legal and ends in done or fatal. */
export function graphProblems(codes: readonly string[]): string[] {
  const problems: string[] = [];
  if (codes[0] !== "joining_call") problems.push(`starts with ${codes[0]}`);
  for (let i = 1; i < codes.length; i += 1) {
    if (canFollow(codes[i - 1]!, codes[i]!) !== true) problems.push(`${codes[i - 1]} -> ${codes[i]}`);
  }
  const last = codes.at(-1);
  if (last !== "done" && last !== "fatal") problems.push(`ends in ${last}`);
  return problems;
}

/** The bot status codes received per bot, in arrival order. */
export function codesByBot(received: readonly Received[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of received) {
    if (!r.event.startsWith("bot.") || r.botId === null || r.code === null) continue;
    const list = out.get(r.botId) ?? [];
    list.push(r.code);
    out.set(r.botId, list);
  }
  return out;
}
