import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeBody } from "../deliveries/body-codec.js";
import { Journal } from "../deliveries/journal.js";
import type { EmulatorDelivery } from "../emulate/outbox.js";
import type { Inspector } from "../inspector/index.js";
import type { Reporter } from "../output/reporter.js";
import type { SentRequest } from "../simulate/engine.js";
import { Signer } from "../webhook/sign.js";
import type { CommandContext } from "./context.js";

// `emulate --inspect`: what the emulator sends goes into a journal of the run, in listen's schema,
// and the inspector (the same one `listen --inspect` opens) reads it. A webhook attempt is a
// delivery record (the exact headers and bytes sent, to the endpoint's path) with the app's answer as
// its forward record; a real-time frame is a frame record, one connection per bot and endpoint.

export interface EmulatorTap {
  readonly journalPath: string;
  readonly onSend: (sent: SentRequest) => void;
  readonly onDelivery: (delivery: EmulatorDelivery) => void;
  readonly onRealtimeFrame: (botId: string, endpoint: URL, event: string, body: string) => void;
  /** Starts the inspector over the journal, once the emulator's secret is known. */
  open(secret: string, targets: readonly string[], port: number | undefined, reporter: Reporter): Promise<Inspector>;
  close(): Promise<void>;
}

export async function emulatorTap(ctx: CommandContext): Promise<EmulatorTap> {
  const journalPath = join(await mkdtemp(join(tmpdir(), "recall-hooks-emulate-")), "journal.jsonl");
  const journal = await Journal.open(journalPath);
  const run = Math.floor(ctx.now() / 1000).toString(36);
  let inspector: Inspector | null = null;
  let seq = 0;
  const keys = new Map<string, { key: string; seq: number }>();
  const connections = new Map<string, { id: string; seq: number }>();
  // A record that cannot be written is not worth stopping the emulator for: the page misses it.
  const write = (record: object): void => void journal.append(record).then(() => inspector?.refresh(), () => {});
  const attemptKey = (url: string, id: string, attempt: number): string => `${url} ${id} ${attempt}`;
  return {
    journalPath,
    onSend(sent) {
      seq += 1;
      const key = `${run}:${seq}`;
      keys.set(attemptKey(sent.url, sent.message.id, sent.attempt), { key, seq });
      const headers = sent.headers as Record<string, string | string[]>;
      const body = typeof sent.body === "string" ? Buffer.from(sent.body, "utf8") : Buffer.from(sent.body);
      write({
        type: "delivery", v: 1, key, seq, id: sent.message.id, received_at: new Date(sent.sentAt).toISOString(), method: "POST",
        path: new URL(sent.url).pathname, headers, ...encodeBody(body), verified: true, scheme: "svix-id" in headers ? "svix" : "webhook",
        event: sent.message.event, bot_id: sent.message.bot, duplicate: sent.attempt > 1 || sent.message.duplicate, forward_to: [sent.url],
      });
    },
    onDelivery(d) {
      const k = attemptKey(d.url, d.id, d.attempt);
      const sent = keys.get(k);
      if (sent === undefined) return;
      keys.delete(k);
      write({
        type: "forward", key: sent.key, seq: sent.seq, id: d.id, target: d.url, ok: d.ok, status: d.status, attempt: d.attempt,
        at: new Date(d.sentAt + d.latencyMs).toISOString(), latency_ms: Math.round(d.latencyMs * 10) / 10, error: d.errorMessage,
      });
    },
    onRealtimeFrame(botId, endpoint, event, body) {
      const name = `${botId} ${endpoint.href}`;
      let c = connections.get(name);
      if (c === undefined) {
        c = { id: `${run}:${endpoint.protocol.startsWith("ws") ? "ws" : "post"}${connections.size + 1}`, seq: 0 };
        connections.set(name, c);
      }
      c.seq += 1;
      write({
        type: "frame", v: 1, connection: c.id, seq: c.seq, received_at: new Date(ctx.now()).toISOString(), path: endpoint.href, verified: true,
        event, bot_id: botId, binary: false, ...encodeBody(Buffer.from(body, "utf8")),
      });
    },
    async open(secret, targets, port, reporter) {
      const { openInspector } = await import("./inspect-run.js");
      inspector = await openInspector({
        journalPath, signer: new Signer(secret), fixturesDir: join(ctx.cwd, ".recall-hooks/fixtures"), mode: "live", now: ctx.now, targets,
      }, port, reporter);
      return inspector;
    },
    async close() {
      await journal.close();
      await inspector?.close();
    },
  };
}
