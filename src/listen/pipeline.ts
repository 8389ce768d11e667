import { matchesAny } from "../recall/catalog.js";
import { parseDelivery } from "../recall/parse.js";
import { deliveryLine, type Journal } from "../deliveries/journal.js";
import { readSignatureHeaders, type HeaderFamily } from "../webhook/headers.js";
import type { Signer } from "../webhook/sign.js";
import { type VerificationReason, verify } from "../webhook/verify.js";
import { type ForwardJob, type ForwardRoute, type Forwarder, targetsFor } from "./forwarder.js";
import type { Answer, ReceivedRequest } from "./http.js";
import type { AcceptedDelivery, ListenerEvent } from "./listener.js";
import type { ListenStats } from "./stats.js";
import type { Timeline } from "./timeline.js";

/** What the request pipeline works with; built once by startListener. */
export interface PipelineParts {
  readonly run: string;
  readonly signer: Signer | null;
  readonly skipVerify: boolean;
  readonly toleranceSeconds: number;
  readonly now: () => number;
  readonly journal: Journal | null;
  readonly timeline: Timeline;
  readonly stats: ListenStats;
  readonly routes: readonly ForwardRoute[];
  readonly forwarder: Forwarder | null;
  readonly events: readonly string[];
  readonly passThrough: boolean;
  readonly passThroughTimeoutMs: number;
  readonly emit: (event: ListenerEvent) => void;
}

/** Who sent it, as far as the signature headers say; `verified` null when nothing was checked. */
interface Identity {
  readonly verified: boolean | null;
  readonly scheme: HeaderFamily | null;
  readonly id: string | null;
}

const NO_CONTENT: Answer = { status: 204 };

function jobsOf(d: AcceptedDelivery): ForwardJob[] {
  return d.forwardTo.map((target): ForwardJob => ({ key: d.key, id: d.id, target, headers: d.headers, body: d.body }));
}

type Rejection = { readonly status: number; readonly reason: VerificationReason | "journal_failed"; readonly message: string };

/** For every POST: verify -> journal -> answer -> report and forward. */
export class RequestPipeline {
  readonly #p: PipelineParts;
  #seq = 0;
  /** Event types already said to match no forward route; bounded, as a flood of odd names must not grow memory. */
  readonly #unrouted = new Set<string | null>();
  /** Deliveries answered in this turn of the event loop, to report and forward in the next. */
  #answered: AcceptedDelivery[] = [];
  /** Deliveries accepted and not yet answered (their journal write, or the --pass-through target, under way). */
  #underWay = 0;
  #whenIdle: (() => void)[] = [];

  constructor(parts: PipelineParts) {
    this.#p = parts;
  }

  readonly handle = async (request: ReceivedRequest): Promise<Answer> => {
    const identity = this.#identify(request);
    if ("reason" in identity) return this.#reject(request, identity.id, identity);
    const delivery = this.#accept(request, identity);
    this.#underWay += 1;
    try {
      const failed = await this.#journal(delivery);
      if (failed) return this.#reject(request, delivery.id, failed);
      if (this.#p.passThrough && this.#p.forwarder && delivery.forwardTo.length > 0) return await this.#passThrough(delivery, jobsOf(delivery), this.#p.forwarder);
      // Answer first; report and forward once the answer is on its way (one immediate for all of a turn's).
      this.#answered.push(delivery);
      if (this.#answered.length === 1) setImmediate(this.#afterAnswers);
      return NO_CONTENT;
    } finally {
      this.#answeredOne();
    }
  };

  /**
   * Resolves once every delivery accepted so far is answered and reported, so that the listener's
   * summary counts them all: a client that hangs up after sending lets the server close while its
   * last deliveries are still being written (npm run bench caught 16 of 83,083 left out).
   */
  async settled(): Promise<void> {
    while (this.#underWay > 0) await new Promise<void>((resolve) => this.#whenIdle.push(resolve));
    this.#afterAnswers();
  }

  #answeredOne(): void {
    this.#underWay -= 1;
    if (this.#underWay === 0 && this.#whenIdle.length > 0) for (const wake of this.#whenIdle.splice(0)) wake();
  }

  readonly #afterAnswers = (): void => {
    const answered = this.#answered;
    this.#answered = [];
    for (const d of answered) {
      this.#report(d);
      if (d.forwardTo.length > 0) for (const job of jobsOf(d)) this.#p.forwarder!.enqueue(job);
    }
  };

  #identify(request: ReceivedRequest): Identity | (Rejection & { readonly id: string | null }) {
    const { signer } = this.#p;
    if (!signer || this.#p.skipVerify) {
      const seen = readSignatureHeaders(request.headers);
      return { verified: null, scheme: seen.family, id: seen.id };
    }
    const result = verify({ secret: signer, headers: request.headers, body: request.body, toleranceSeconds: this.#p.toleranceSeconds, now: this.#p.now });
    if (result.valid) return { verified: true, scheme: result.scheme, id: result.id };
    const status = result.reason === "missing_headers" || result.reason === "malformed_headers" ? 400 : 401;
    return { id: result.id, status, reason: result.reason as VerificationReason, message: result.message };
  }

  /**
   * The delivery as accepted, before the journal has it: its key, duplicate and out-of-order marks and
   * forward targets. Both marks are made here, in the order deliveries are journaled, so the journal's
   * observer (the inspector) is told each line with the marks `listen --json` prints. A delivery the
   * journal then cannot keep gives its id back (its retry is not a duplicate) but still counts for
   * its bot's order: Recall did send that status.
   */
  #accept(request: ReceivedRequest, who: Identity): AcceptedDelivery {
    const { timeline, events } = this.#p;
    const parsed = parseDelivery(request.body);
    const duplicate = who.id !== null && timeline.markSeen(who.id);
    const reported = events.length === 0 || (parsed.event !== null && matchesAny(parsed.event, events));
    // Under --pass-through the sender retries when the target failed: such a duplicate is owed again.
    const owedAgain = duplicate && this.#p.passThrough && !timeline.wasForwarded(who.id!);
    const forwardTo = (duplicate && !owedAgain) || !reported ? [] : targetsFor(this.#p.routes, parsed.event);
    const outOfOrderAfter = timeline.observeDelivery(parsed, duplicate);
    this.#seq += 1;
    return {
      key: `${this.#p.run}:${this.#seq}`, seq: this.#seq, id: who.id, receivedAt: request.receivedAt, path: request.path, headers: request.headers,
      body: request.body, verified: who.verified, scheme: who.scheme, parsed, duplicate, outOfOrderAfter, forwardTo, status: 204, reported,
    };
  }

  /** Appends the delivery; on failure the id is forgotten, so the sender's retry is not a duplicate. */
  async #journal(d: AcceptedDelivery): Promise<Rejection | null> {
    const { journal } = this.#p;
    if (!journal) return null;
    try {
      await journal.appendLine(deliveryLine(d), d);
      return null;
    } catch (error) {
      if (d.id !== null && !d.duplicate) this.#p.timeline.forget(d.id);
      return { status: 503, reason: "journal_failed", message: `Could not write the journal ${journal.path} (${writeProblem(error)}): answered 503 so the sender retries.` };
    }
  }

  /** --pass-through: the first target's answer is the sender's answer; other targets are forwarded as usual. */
  async #passThrough(d: AcceptedDelivery, jobs: ForwardJob[], forwarder: Forwarder): Promise<Answer> {
    const outcome = await forwarder.attempt(jobs[0]!, 1, this.#p.passThroughTimeoutMs, false);
    if (outcome.result.ok && d.id !== null) this.#p.timeline.markForwarded(d.id);
    for (const job of jobs.slice(1)) forwarder.enqueue(job);
    const status = outcome.result.status ?? (outcome.result.error === "timeout" ? 504 : 502);
    this.#report({ ...d, status });
    return { status, body: outcome.result.ok ? "" : "forward target failed\n" };
  }

  #report(d: AcceptedDelivery): void {
    this.#p.stats.countDelivery(d, d.reported);
    if (!d.reported) return;
    this.#p.emit({ type: "delivery", delivery: d });
    if (this.#p.routes.length > 0 && !d.duplicate && d.forwardTo.length === 0 && !this.#unrouted.has(d.parsed.event) && this.#unrouted.size < 200) {
      this.#unrouted.add(d.parsed.event);
      this.#p.emit({ type: "unrouted", event: d.parsed.event });
    }
  }

  #reject(request: ReceivedRequest, id: string | null, r: Rejection): Answer {
    this.#p.stats.countRejected(r.reason);
    this.#p.emit({ type: "rejected", status: r.status, path: request.path, id, reason: r.reason, message: r.message, at: request.receivedAt, request });
    return { status: r.status, body: r.status === 503 ? "could not store the delivery; retry\n" : r.status === 400 ? "bad request\n" : "invalid signature\n" };
  }
}

/** Why a journal write failed, in our words (node's are "ENOSPC: no space left on device, write"). */
function writeProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code ?? "";
  if (code === "ENOSPC" || code === "EDQUOT") return "the disk is full";
  if (code === "EACCES" || code === "EPERM" || code === "EROFS") return "no permission to write it";
  if (code === "EIO") return "an input/output error on the disk";
  if (code === "EFBIG") return "the file is too large";
  return `write failed${code ? `: ${code}` : ""}`;
}
