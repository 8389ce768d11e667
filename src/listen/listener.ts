import { randomBytes } from "node:crypto";
import type { Dispatcher } from "undici";
import { matchesAny } from "../recall/catalog.js";
import { parseDelivery } from "../recall/parse.js";
import type { ParsedEvent } from "../recall/types.js";
import { readSignatureHeaders, type HeaderFamily } from "../webhook/headers.js";
import type { Signer } from "../webhook/sign.js";
import { DEFAULT_TOLERANCE_SECONDS, type VerificationReason, verify } from "../webhook/verify.js";
import { type ForwardOutcome, type ForwardRoute, Forwarder, targetsFor } from "./forwarder.js";
import { type Answer, type ReceivedRequest, type Refusal, startHttpServer } from "./http.js";
import { createDispatcher } from "../webhook/deliver.js";
import { type DeliveryRecord, decodeBody, encodeBody, Journal } from "../deliveries/journal.js";
import { type JournalScan, scanJournal } from "../deliveries/resume.js";
import { ListenStats, type ListenSummary } from "./stats.js";
import { Timeline } from "./timeline.js";

export interface ListenerOptions {
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** With no signer every delivery is accepted and marked unverified. */
  readonly signer?: Signer | null;
  /** Accept without checking even though the secret is known (it still re-signs stale forwards). */
  readonly skipVerify?: boolean;
  readonly toleranceSeconds?: number;
  /** The JSONL journal; null keeps nothing. */
  readonly journalPath?: string | null;
  readonly forward?: readonly ForwardRoute[];
  /** Answer with the target's status instead of 2xx (waits up to passThroughTimeoutMs). */
  readonly passThrough?: boolean;
  readonly passThroughTimeoutMs?: number;
  /** Event type globs: only these are reported and forwarded (all are journaled). */
  readonly events?: readonly string[];
  readonly maxBodyBytes?: number;
  readonly headerTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  readonly forwardTimeoutMs?: number;
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  readonly now?: () => number;
  readonly dispatcher?: Dispatcher;
  readonly onEvent?: (event: ListenerEvent) => void;
}

/** A delivery the listener accepted (answered 2xx, or the target's status with --pass-through). */
export interface AcceptedDelivery {
  readonly key: string;
  readonly seq: number;
  readonly id: string | null;
  readonly receivedAt: number;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly body: Buffer;
  readonly verified: boolean | null;
  readonly scheme: HeaderFamily | null;
  readonly parsed: ParsedEvent;
  readonly duplicate: boolean;
  /** The status this one arrived after, when it arrived out of order. */
  readonly outOfOrderAfter: string | null;
  readonly forwardTo: readonly string[];
  readonly status: number;
}

export type ListenerEvent =
  | { readonly type: "delivery"; readonly delivery: AcceptedDelivery }
  | { readonly type: "rejected"; readonly status: number; readonly path: string; readonly id: string | null; readonly reason: VerificationReason | Refusal["reason"] | "journal_failed"; readonly message: string; readonly at: number; readonly request?: Pick<ReceivedRequest, "headers" | "body"> }
  | { readonly type: "forward"; readonly outcome: ForwardOutcome }
  | { readonly type: "resumed"; readonly count: number; readonly journal: string };

export interface Listener {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly journalPath: string | null;
  readonly stats: ListenStats;
  /** How many forwards owed by earlier runs of this journal were sent again, once the journal is read. */
  readonly resumed: Promise<number>;
  /** Stops accepting, finishes requests under way, flushes the journal; forwards still owed stay owed. */
  close(): Promise<ListenSummary>;
}

const DEFAULTS = { host: "127.0.0.1", maxBodyBytes: 1024 * 1024, headerTimeoutMs: 3_000, requestTimeoutMs: 6_000, forwardTimeoutMs: 10_000, passThroughTimeoutMs: 12_000, retryBaseMs: 1_000, retryMaxMs: 30_000 };

/** Starts the listener: verify -> journal -> answer -> report and forward, for every POST. */
export async function startListener(options: ListenerOptions = {}): Promise<Listener> {
  const o = { ...DEFAULTS, ...stripUndefined(options) };
  const now = options.now ?? Date.now;
  const emit = options.onEvent ?? ((): void => {});
  const run = `${Math.floor(now() / 1000).toString(36)}${randomBytes(3).toString("hex")}`;
  const timeline = new Timeline();
  // Read the earlier runs first, so a retry of a delivery they took is a duplicate from the start.
  const earlier = options.journalPath ? await scanJournal(options.journalPath, 20_000) : { ids: [], owed: [] };
  for (const id of earlier.ids) timeline.markSeen(id);
  const journal = options.journalPath ? await Journal.open(options.journalPath) : null;
  const stats = new ListenStats(options.journalPath ?? null);
  const routes = options.forward ?? [];
  const signer = options.signer ?? null;
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  let seq = 0;

  // A pool of our own is destroyed on close, so a target that never answers cannot hold the exit.
  const ownPool = routes.length > 0 && !options.dispatcher ? await defaultPool() : null;
  const forwarder = routes.length === 0 ? null : new Forwarder({
    signer, toleranceSeconds: tolerance, now, timeoutMs: o.forwardTimeoutMs, retryBaseMs: o.retryBaseMs, retryMaxMs: o.retryMaxMs,
    dispatcher: options.dispatcher ?? ownPool!,
    record: (record) => journal ? journal.append(record) : Promise.resolve(),
    onOutcome: (outcome) => { stats.countForward(outcome); emit({ type: "forward", outcome }); },
  });

  const reject = (request: ReceivedRequest, id: string | null, status: number, reason: VerificationReason | "journal_failed", message: string): Answer => {
    stats.countRejected(reason);
    emit({ type: "rejected", status, path: request.path, id, reason, message, at: request.receivedAt, request });
    return { status, body: status === 503 ? "could not store the delivery; retry\n" : status === 400 ? "bad request\n" : "invalid signature\n" };
  };

  const handle = async (request: ReceivedRequest): Promise<Answer> => {
    let verified: boolean | null = null;
    let scheme: HeaderFamily | null;
    let id: string | null;
    if (signer && !options.skipVerify) {
      const result = verify({ secret: signer, headers: request.headers, body: request.body, toleranceSeconds: tolerance, now });
      scheme = result.scheme;
      id = result.id;
      if (!result.valid) {
        const status = result.reason === "missing_headers" || result.reason === "malformed_headers" ? 400 : 401;
        return reject(request, id, status, result.reason as VerificationReason, result.message);
      }
      verified = true;
    } else {
      const seen = readSignatureHeaders(request.headers);
      scheme = seen.family;
      id = seen.id;
    }
    const parsed = parseDelivery(request.body);
    const duplicate = id !== null && timeline.markSeen(id);
    const reported = options.events === undefined || options.events.length === 0 || (parsed.event !== null && matchesAny(parsed.event, options.events));
    // Under --pass-through the sender retries when the target failed: such a duplicate is owed again.
    const owedAgain = duplicate && options.passThrough === true && !timeline.wasForwarded(id!);
    const forwardTo = (duplicate && !owedAgain) || !reported ? [] : targetsFor(routes, parsed.event);
    seq += 1;
    const key = `${run}:${seq}`;
    const record: DeliveryRecord = {
      type: "delivery", v: 1, key, seq, id, received_at: new Date(request.receivedAt).toISOString(), method: request.method, path: request.path,
      headers: request.headers, ...encodeBody(request.body), verified, scheme, event: parsed.event, bot_id: parsed.botId, duplicate, forward_to: forwardTo,
    };
    if (journal) {
      try {
        await journal.append(record);
      } catch (error) {
        if (id !== null && !duplicate) timeline.forget(id);
        return reject(request, id, 503, "journal_failed", `Could not write the journal ${journal.path} (${(error as Error).message}): answered 503 so the sender retries.`);
      }
    }
    const outOfOrderAfter = parsed.botId !== null && parsed.code !== null && !duplicate && isBotStatus(parsed)
      ? timeline.observe(parsed.botId, { code: parsed.code, updatedAt: parsed.updatedAt }) : null;
    const delivery: AcceptedDelivery = {
      key, seq, id, receivedAt: request.receivedAt, path: request.path, headers: request.headers, body: request.body,
      verified, scheme, parsed, duplicate, outOfOrderAfter, forwardTo, status: 204,
    };
    const jobs = forwardTo.map((target) => ({ key, id, target, headers: request.headers, body: request.body }));
    if (options.passThrough && forwarder && jobs.length > 0) {
      const outcome = await forwarder.attempt(jobs[0]!, 1, o.passThroughTimeoutMs, false);
      if (outcome.result.ok && id !== null) timeline.markForwarded(id);
      for (const job of jobs.slice(1)) forwarder.enqueue(job);
      const status = outcome.result.status ?? (outcome.result.error === "timeout" ? 504 : 502);
      stats.countDelivery(delivery, reported);
      if (reported) emit({ type: "delivery", delivery: { ...delivery, status } });
      return { status, body: outcome.result.ok ? "" : "forward target failed\n" };
    }
    // Answer first; report and forward once the answer is on its way.
    setImmediate(() => {
      stats.countDelivery(delivery, reported);
      if (reported) emit({ type: "delivery", delivery });
      for (const job of jobs) forwarder!.enqueue(job);
    });
    return { status: 204 };
  };

  const server = await startHttpServer({
    host: o.host, port: options.port ?? 0, maxBodyBytes: o.maxBodyBytes, headerTimeoutMs: o.headerTimeoutMs, requestTimeoutMs: o.requestTimeoutMs, now, handle,
    onRefused: (refusal) => {
      stats.countRejected(refusal.reason);
      emit({ type: "rejected", status: refusal.status, path: refusal.path, id: null, reason: refusal.reason, message: refusal.message, at: now() });
    },
  });

  const resumed = Promise.resolve(forwarder && options.journalPath ? resumeOwed(earlier.owed, routes, forwarder, emit, options.journalPath) : 0);

  const host = o.host.includes(":") ? `[${o.host}]` : o.host;
  return {
    url: `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${server.port}/`,
    host: o.host,
    port: server.port,
    journalPath: options.journalPath ?? null,
    stats,
    resumed,
    async close() {
      await resumed;
      await server.close();
      await forwarder?.close();
      await ownPool?.destroy().catch(() => {});
      await journal?.close();
      return stats.summary(forwarder?.owed ?? 0);
    },
  };
}

/** Forwards an earlier run left owed (killed mid-retry, say) are sent again, to targets still configured. */
function resumeOwed(owed: JournalScan["owed"], routes: readonly ForwardRoute[], forwarder: Forwarder, emit: (e: ListenerEvent) => void, path: string): number {
  const configured = new Set(routes.map((r) => r.url.href));
  const jobs = owed.filter((p) => configured.has(p.target));
  if (jobs.length === 0) return 0;
  emit({ type: "resumed", count: jobs.length, journal: path });
  for (const { delivery, target, attempts } of jobs) {
    forwarder.enqueue({ key: delivery.key, id: delivery.id, target, headers: delivery.headers, body: decodeBody(delivery) }, attempts + 1);
  }
  return jobs.length;
}

/** Bot status events (current and legacy) make up a bot's timeline; recording.done's "done" does not. */
function isBotStatus(parsed: ParsedEvent): boolean {
  return parsed.event !== null && parsed.event.startsWith("bot.") && (parsed.shape === "status" || parsed.shape === "legacy_status" || parsed.info === null);
}

function defaultPool(): Promise<Dispatcher> {
  return createDispatcher({}, { connections: 32 });
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
