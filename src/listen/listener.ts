import { randomBytes } from "node:crypto";
import type { Dispatcher } from "undici";
import type { ParsedEvent } from "../recall/types.js";
import type { HeaderFamily } from "../webhook/headers.js";
import type { Signer } from "../webhook/sign.js";
import { DEFAULT_TOLERANCE_SECONDS, type VerificationReason } from "../webhook/verify.js";
import { createDispatcher } from "../webhook/deliver.js";
import { type ForwardOutcome, type ForwardRoute, Forwarder } from "./forwarder.js";
import { type ReceivedRequest, type Refusal, type RunningServer, startHttpServer } from "./http.js";
import { type Appended, Journal } from "../deliveries/journal.js";
import { scanJournal } from "../deliveries/resume.js";
import { resumeOwed } from "./owed.js";
import { RequestPipeline } from "./pipeline.js";
import { ListenStats, type ListenSummary } from "./stats.js";
import { Timeline } from "./timeline.js";
import { type ReceivedFrame, type SocketChange, type WebSocketIntake, acceptWebSockets } from "./websocket.js";

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
  /** Where forwards still owed to targets no longer in `forward` are sent (they are only reported without it). */
  readonly resendOwedTo?: URL | null;
  /**
   * Wait for resume() before sending forwards earlier runs still owe (and before saying anything
   * about them), so a command can announce itself first. By default they are resumed at start.
   */
  readonly deferResume?: boolean;
  readonly now?: () => number;
  readonly dispatcher?: Dispatcher;
  readonly onEvent?: (event: ListenerEvent) => void;
  /** Each journal line once written, where it sits and what it was made from (the inspector in this process follows the journal so). */
  readonly onJournaled?: (appended: Appended) => void;
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
  /** False when --events leaves it out: journaled and counted, not printed or forwarded. */
  readonly reported: boolean;
}

export type ListenerEvent =
  | { readonly type: "delivery"; readonly delivery: AcceptedDelivery }
  /** `request`: what a refused signature was computed over, so the inspector can explain the failure. */
  | { readonly type: "rejected"; readonly status: number; readonly path: string; readonly id: string | null; readonly reason: VerificationReason | Refusal["reason"] | "journal_failed"; readonly message: string; readonly at: number; readonly request?: Pick<ReceivedRequest, "headers" | "body"> }
  | { readonly type: "forward"; readonly outcome: ForwardOutcome }
  | { readonly type: "resumed"; readonly count: number; readonly journal: string }
  /** Forwards an earlier run owed to a target that is no longer configured; `resentTo` when they are sent elsewhere. */
  | { readonly type: "orphaned"; readonly count: number; readonly target: string; readonly journal: string; readonly resentTo: string | null }
  /** The first delivery of an event type that no forward route matches (said once per type). */
  | { readonly type: "unrouted"; readonly event: string | null }
  | { readonly type: "frame"; readonly frame: ReceivedFrame }
  | { readonly type: "socket"; readonly change: SocketChange };

export interface Listener {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly journalPath: string | null;
  readonly stats: ListenStats;
  /** How many forwards owed by earlier runs of this journal were sent again, once resumed. */
  readonly resumed: Promise<number>;
  /** Sends the forwards earlier runs still owe (once; startListener calls it unless deferResume). */
  resume(): Promise<number>;
  /** Stops accepting, finishes requests under way, flushes the journal; forwards still owed stay owed. */
  close(): Promise<ListenSummary>;
}

const DEFAULTS = { host: "127.0.0.1", maxBodyBytes: 1024 * 1024, headerTimeoutMs: 3_000, requestTimeoutMs: 6_000, forwardTimeoutMs: 10_000, passThroughTimeoutMs: 12_000, retryBaseMs: 1_000, retryMaxMs: 30_000 };

type Settings = typeof DEFAULTS & ListenerOptions & { readonly now: () => number; readonly emit: (event: ListenerEvent) => void };

/** Starts the listener: verify -> journal -> answer -> report and forward, for every POST (see RequestPipeline). */
export async function startListener(options: ListenerOptions = {}): Promise<Listener> {
  const o: Settings = { ...DEFAULTS, ...stripUndefined(options), now: options.now ?? Date.now, emit: options.onEvent ?? ((): void => {}) };
  const journal = o.journalPath ? await Journal.open(o.journalPath) : null;
  if (journal && options.onJournaled) journal.observe(options.onJournaled);
  const timeline = new Timeline();
  // Read the earlier runs first, so a retry of a delivery they took is a duplicate from the start.
  const earlier = o.journalPath ? await scanJournal(o.journalPath, 20_000) : { ids: [], owed: [] };
  for (const id of earlier.ids) timeline.markSeen(id);
  const stats = new ListenStats(o.journalPath ?? null);
  // A pool of our own is destroyed on close, so a target that never answers cannot hold the exit.
  // ws:// targets take the WebSocket frames (websocket.ts); the others, the POSTs.
  const routes = (o.forward ?? []).filter((r) => !isWs(r));
  const forwarding = routes.length > 0 || (o.resendOwedTo != null && o.journalPath != null);
  const ownPool = forwarding && !o.dispatcher ? await defaultPool() : null;
  const forwarder = createForwarder(o, journal, stats, o.dispatcher ?? ownPool);
  const run = `${Math.floor(o.now() / 1000).toString(36)}${randomBytes(3).toString("hex")}`;
  const pipeline = new RequestPipeline({
    run, signer: o.signer ?? null, skipVerify: o.skipVerify === true,
    toleranceSeconds: o.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS, now: o.now, journal, timeline, stats, routes, forwarder,
    events: o.events ?? [], passThrough: o.passThrough === true, passThroughTimeoutMs: o.passThroughTimeoutMs, emit: o.emit,
  });
  const server = await startHttpServer({
    host: o.host, port: o.port ?? 0, maxBodyBytes: o.maxBodyBytes, headerTimeoutMs: o.headerTimeoutMs, requestTimeoutMs: o.requestTimeoutMs, now: o.now, handle: pipeline.handle,
    onRefused: (refusal) => {
      stats.countRejected(refusal.reason);
      o.emit({ type: "rejected", status: refusal.status, path: refusal.path, id: null, reason: refusal.reason, message: refusal.message, at: o.now() });
    },
  });
  const sockets = await acceptWebSockets(server.server, {
    run, signer: o.signer ?? null, skipVerify: o.skipVerify === true, toleranceSeconds: o.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS, now: o.now,
    forward: (o.forward ?? []).filter(isWs), events: o.events ?? [],
    append: journal ? (record) => journal.append(record) : null,
    onFrame: (frame) => o.emit({ type: "frame", frame }),
    onSocket: (change) => o.emit({ type: "socket", change }),
    onRejected: (path, id, reason, message) => { stats.countRejected(reason); o.emit({ type: "rejected", status: 401, path, id, reason, message, at: o.now() }); },
  });
  let count: number | null = null;
  let settle = (_: number): void => {};
  const resumed = new Promise<number>((resolve) => { settle = resolve; });
  const resume = (): Promise<number> => {
    count ??= o.journalPath ? resumeOwed({ owed: earlier.owed, routes, resendTo: o.resendOwedTo ?? null, forwarder, journal: o.journalPath, emit: o.emit }) : 0;
    settle(count);
    return resumed;
  };
  if (!o.deferResume) void resume();
  return listenerHandle(o, server, { stats, resumed, resume, forwarder, ownPool, journal, sockets, pipeline });
}

function isWs(route: ForwardRoute): boolean {
  return route.url.protocol === "ws:" || route.url.protocol === "wss:";
}

function createForwarder(o: Settings, journal: Journal | null, stats: ListenStats, dispatcher: Dispatcher | null): Forwarder | null {
  if (dispatcher === null) return null;
  return new Forwarder({
    signer: o.signer ?? null, toleranceSeconds: o.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS, now: o.now, timeoutMs: o.forwardTimeoutMs,
    retryBaseMs: o.retryBaseMs, retryMaxMs: o.retryMaxMs, dispatcher,
    record: (record) => journal ? journal.append(record) : Promise.resolve(),
    onOutcome: (outcome) => { stats.countForward(outcome); o.emit({ type: "forward", outcome }); },
  });
}

interface Running {
  readonly stats: ListenStats;
  readonly resumed: Promise<number>;
  readonly resume: () => Promise<number>;
  readonly forwarder: Forwarder | null;
  readonly ownPool: Dispatcher | null;
  readonly journal: Journal | null;
  readonly sockets: WebSocketIntake;
  readonly pipeline: RequestPipeline;
}

function listenerHandle(o: Settings, server: RunningServer, r: Running): Listener {
  const host = o.host.includes(":") ? `[${o.host}]` : o.host;
  return {
    url: `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${server.port}/`,
    host: o.host,
    port: server.port,
    journalPath: o.journalPath ?? null,
    stats: r.stats,
    resumed: r.resumed,
    resume: r.resume,
    async close() {
      await r.sockets.close();
      await server.close();
      await r.pipeline.settled();
      await r.forwarder?.close();
      await r.ownPool?.destroy().catch(() => {});
      await r.journal?.close();
      return r.stats.summary(r.forwarder?.owed ?? 0);
    },
  };
}

function defaultPool(): Promise<Dispatcher> {
  return createDispatcher({}, { connections: 32 });
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
