import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import { Webhook } from "svix";
import { SUB_CODES } from "../../src/recall/catalog.js";

/** The handler bugs the check must catch, one at a time; "none" is a correct svix-verifying handler. */
export type HandlerBug = "none" | "accepts-anything" | "no-timestamp-check" | "reserialises" | "500-unknown-sub-code" | "slow" | "409-duplicate";

export interface TestHandler {
  readonly url: string;
  /** Requests received. */
  readonly count: () => number;
  close(): Promise<void>;
}

const KNOWN_SUB_CODES = new Set(SUB_CODES.map((s) => s.subCode));
/** The slow handler's answer time: longer than any timeout the tests pass. */
const SLOW_MS = 20_000;

/**
 * A webhook handler as a user writes one, with svix's Webhook.verify on the raw body, 401 when it
 * fails and 204 otherwise; `bug` breaks exactly one thing.
 */
export async function startTestHandler(secret: string, bug: HandlerBug = "none"): Promise<TestHandler> {
  const webhook = new Webhook(secret);
  const seen = new Set<string>();
  const pending = new Set<{ timer: NodeJS.Timeout; res: ServerResponse }>();
  let count = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      count += 1;
      const raw = Buffer.concat(chunks).toString("utf8");
      if (bug !== "accepts-anything" && !verified(webhook, bug, raw, req.headers)) return void res.writeHead(401).end("invalid signature");
      const id = header(req.headers, "id");
      if (bug === "409-duplicate") {
        if (seen.has(id)) return void res.writeHead(409).end("duplicate");
        seen.add(id);
      }
      if (bug === "500-unknown-sub-code") {
        const subCode = (JSON.parse(raw) as { data?: { data?: { sub_code?: string | null } } }).data?.data?.sub_code;
        if (typeof subCode === "string" && !KNOWN_SUB_CODES.has(subCode)) return void res.writeHead(500).end("unknown sub code");
      }
      if (bug === "slow") {
        const entry = { res, timer: setTimeout(() => { pending.delete(entry); res.writeHead(204).end(); }, SLOW_MS) };
        pending.add(entry);
        return;
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/webhooks/recall`,
    count: () => count,
    close: () => new Promise<void>((r) => {
      for (const entry of pending) {
        clearTimeout(entry.timer);
        entry.res.destroy();
      }
      pending.clear();
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

function header(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[`webhook-${name}`] ?? headers[`svix-${name}`];
  return Array.isArray(value) ? value.join(" ") : value ?? "";
}

function verified(webhook: Webhook, bug: HandlerBug, raw: string, headers: IncomingHttpHeaders): boolean {
  try {
    if (bug === "no-timestamp-check") return signatureMatches(webhook, raw, headers);
    // The bug: the body is parsed by a framework and verified as JSON.stringify gives it back.
    const body = bug === "reserialises" ? JSON.stringify(JSON.parse(raw)) : raw;
    webhook.verify(body, headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
}

/** svix's signature, compared in constant time to each offered v1 entry, with no look at the timestamp. */
function signatureMatches(webhook: Webhook, raw: string, headers: IncomingHttpHeaders): boolean {
  const id = header(headers, "id");
  const timestamp = Number(header(headers, "timestamp"));
  if (id === "" || !Number.isInteger(timestamp)) return false;
  const expected = Buffer.from(webhook.sign(id, new Date(timestamp * 1000), raw));
  return header(headers, "signature").split(" ").some((entry) => {
    const offered = Buffer.from(entry);
    return offered.length === expected.length && timingSafeEqual(offered, expected);
  });
}
