import type { Dispatcher } from "undici";
import { matchesAny } from "../recall/catalog.js";
import { type HeaderFamily, readSignatureHeaders, stripHopByHop } from "../webhook/headers.js";
import { roundMs } from "../output/format.js";
import { deliver, type DeliveryResult } from "../webhook/deliver.js";
import type { Signer } from "../webhook/sign.js";
import type { ForwardRecord } from "../deliveries/journal.js";

/** `--forward-to <url>` or `--forward-to '<pattern>=<url>'`. */
export interface ForwardRoute {
  readonly pattern: string | null;
  readonly url: URL;
}

/** One delivery owed to one target. */
export interface ForwardJob {
  /** The journal's key of the delivery: `<run>:<seq>`. */
  readonly key: string;
  readonly id: string | null;
  readonly target: string;
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly body: Buffer;
  /** The target an earlier run owed it to, when it is resent elsewhere (journaled as resent_from). */
  readonly owedTo?: string;
}

export interface ForwardOutcome {
  readonly job: ForwardJob;
  readonly attempt: number;
  readonly result: DeliveryResult;
  /** True when the signature was renewed because the original one had gone stale. */
  readonly resigned: boolean;
  /** When the next try is, for a failure; null when it will not be retried. */
  readonly retryInMs: number | null;
  /** Retrying stopped: the target gave the same 4xx SAME_4XX_LIMIT times in a row (it stays owed in the journal). */
  readonly gaveUp: boolean;
}

/** A target that answers the same 4xx this many times in a row is not tried again in this run. */
export const SAME_4XX_LIMIT = 3;
/** 4xx answers that can change on their own (timeout, conflict, too early, rate limit): retried like a 5xx. */
const TRANSIENT_4XX = new Set([408, 409, 425, 429]);

export interface ForwarderOptions {
  readonly signer: Signer | null;
  readonly toleranceSeconds: number;
  readonly now: () => number;
  readonly dispatcher: Dispatcher;
  readonly timeoutMs: number;
  /** First retry delay; doubles each time up to maxDelayMs. */
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  /** Appends the attempt to the journal before anyone hears of it. */
  readonly record: (record: ForwardRecord) => Promise<void>;
  readonly onOutcome: (outcome: ForwardOutcome) => void;
}


/** The targets a delivery of this event type goes to: pattern routes first match, plain routes always. */
export function targetsFor(routes: readonly ForwardRoute[], event: string | null): string[] {
  const out: string[] = [];
  for (const route of routes) {
    if (route.pattern === null || (event !== null && matchesAny(event, [route.pattern]))) out.push(route.url.href);
  }
  return [...new Set(out)];
}

/**
 * Sends deliveries on to the developer's app, byte for byte, and keeps retrying failures with
 * backoff while it runs. Every attempt is journaled, so a delivery whose forward never succeeded is
 * still owed after a restart (see OwedLedger in src/deliveries/owed.ts).
 */
export class Forwarder {
  readonly #options: ForwarderOptions;
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #inFlight = new Set<Promise<unknown>>();
  /** `<key> <target>` of every job not yet answered 2xx: in flight or waiting for a retry. */
  readonly #owed = new Set<string>();
  /** `<key> <target>` -> the 4xx it last answered and how many times in a row. */
  readonly #streaks = new Map<string, { status: number; times: number }>();
  #closed = false;

  constructor(options: ForwarderOptions) {
    this.#options = options;
  }

  /** Forwards now, retrying in the background on failure. */
  enqueue(job: ForwardJob, attempt = 1): void {
    void this.attempt(job, attempt);
  }

  /**
   * One attempt; schedules the next on failure unless `retry` is false (--pass-through, where the
   * sender retries and a background retry would deliver twice).
   */
  attempt(job: ForwardJob, attempt = 1, timeoutMs = this.#options.timeoutMs, retry = true): Promise<ForwardOutcome> {
    if (retry) this.#owed.add(`${job.key} ${job.target}`);
    const run = this.#attempt(job, attempt, timeoutMs, retry);
    this.#inFlight.add(run);
    void run.finally(() => this.#inFlight.delete(run));
    return run;
  }

  async #attempt(job: ForwardJob, attempt: number, timeoutMs: number, retry: boolean): Promise<ForwardOutcome> {
    const { headers, resigned } = this.#headersFor(job);
    const sent = await deliver({ url: job.target, headers, body: job.body, dispatcher: this.#options.dispatcher, timeoutMs });
    // Cut off by the shutdown (the pool is destroyed after a grace period): say so, not undici's words.
    const result = this.#closed && sent.status === null ? { ...sent, errorMessage: "listen stopped before the target answered" } : sent;
    const owedKey = `${job.key} ${job.target}`;
    if (result.ok) this.#owed.delete(owedKey);
    const gaveUp = retry && this.#streak(owedKey, result.status) >= SAME_4XX_LIMIT;
    const retryInMs = result.ok || this.#closed || !retry || gaveUp ? null : this.#backoff(attempt);
    const outcome: ForwardOutcome = { job, attempt, result, resigned, retryInMs, gaveUp };
    await this.#options.record({
      type: "forward", seq: Number(job.key.split(":")[1]), key: job.key, id: job.id, target: job.target, ok: result.ok,
      status: result.status, attempt, at: new Date(this.#options.now()).toISOString(),
      latency_ms: roundMs(result.latencyMs), error: result.errorMessage, ...(job.owedTo !== undefined && { resent_from: job.owedTo }),
    }).catch(() => {});
    this.#options.onOutcome(outcome);
    if (retryInMs !== null) this.#schedule(job, attempt + 1, retryInMs);
    return outcome;
  }

  /** How many times in a row this job was answered this (non-transient) 4xx; 0 for anything else. */
  #streak(key: string, status: number | null): number {
    if (status === null || status < 400 || status >= 500 || TRANSIENT_4XX.has(status)) {
      if (this.#streaks.size > 0) this.#streaks.delete(key);
      return 0;
    }
    const last = this.#streaks.get(key);
    const times = last?.status === status ? last.times + 1 : 1;
    if (times >= SAME_4XX_LIMIT) this.#streaks.delete(key);
    else this.#streaks.set(key, { status, times });
    return times;
  }

  #schedule(job: ForwardJob, attempt: number, delayMs: number): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (!this.#closed) this.enqueue(job, attempt);
    }, delayMs);
    this.#timers.add(timer);
  }

  #backoff(attempt: number): number {
    const base = this.#options.retryBaseMs * 2 ** Math.min(attempt - 1, 20);
    return Math.min(this.#options.retryMaxMs, base);
  }

  /**
   * The original headers minus hop-by-hop ones. When the signature would be stale on arrival and
   * the secret is known, the same id is signed again with a fresh timestamp.
   */
  #headersFor(job: ForwardJob): { headers: Record<string, string | string[]>; resigned: boolean } {
    const headers = stripHopByHop(job.headers) as Record<string, string | string[]>;
    const signer = this.#options.signer;
    if (!signer) return { headers, resigned: false };
    const nowSeconds = Math.floor(this.#options.now() / 1000);
    // The usual forward was received a moment ago: its (lower-case, single) timestamp is fresh.
    const stamp = job.headers["webhook-timestamp"];
    if (typeof stamp === "string" && nowSeconds - Number(stamp) < this.#options.toleranceSeconds - 30) return { headers, resigned: false };
    const seen = readSignatureHeaders(job.headers);
    const sent = Number(seen.timestamp);
    // Re-sign a little before the tolerance runs out, so the target does not get it on the edge.
    if (seen.family === null || seen.id === null || !Number.isFinite(sent) || nowSeconds - sent < this.#options.toleranceSeconds - 30) {
      return { headers, resigned: false };
    }
    const signature = signer.signature(seen.id, nowSeconds, job.body);
    for (const family of ["webhook", "svix"] as HeaderFamily[]) {
      if (headers[`${family}-signature`] === undefined) continue;
      headers[`${family}-timestamp`] = String(nowSeconds);
      headers[`${family}-signature`] = signature;
    }
    return { headers, resigned: true };
  }

  /** Forwards not yet answered 2xx: under way or waiting for a retry (the journal still owes them). */
  get owed(): number {
    return this.#owed.size;
  }

  /** Stops retrying and waits (up to graceMs) for attempts under way. */
  async close(graceMs = 2_000): Promise<void> {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    const grace = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
    await Promise.race([Promise.allSettled([...this.#inFlight]), grace]);
  }
}
