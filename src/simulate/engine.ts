import { isUtf8 } from "node:buffer";
import { setTimeout as delay } from "node:timers/promises";
import type { Dispatcher } from "undici";
import { createDispatcher, deliver, RECALL_TIMEOUT_MS } from "../webhook/deliver.js";
import { type HeaderChoice, signatureHeaders } from "../webhook/headers.js";
import { bodyText, type Signer, unixSeconds } from "../webhook/sign.js";
import { type DeliveryRecord, type RunReport, summarize } from "./report.js";

/** Svix's retry delays after each failed attempt (recall-webhooks.md §6). */
export const SVIX_RETRY_SCHEDULE_MS: readonly number[] = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];

/** One message to send in a lane. */
export interface Outgoing {
  readonly event: string;
  /** The message id; kept across retries. */
  readonly id: string;
  /** The exact body to sign and send. */
  readonly body: string | Uint8Array;
  /** The wait before it, after the previous send of the lane, at speed 1. */
  readonly delayMs: number;
  readonly duplicate: boolean;
  readonly bot: string | null;
  /** Send these headers as they are, unsigned (replay --raw). */
  readonly rawHeaders?: Readonly<Record<string, string | readonly string[]>>;
  /** This message's signature header family, over the run's. */
  readonly headers?: HeaderChoice;
  /** Awaited after the delay, before the first send (a real-time stream that must finish first). */
  readonly before?: () => Promise<void>;
  /** Called once the first send was answered or failed (a real-time stream starts here). */
  readonly after?: () => void;
}

/** Messages sent one after the other (one bot's lifecycle); lanes run side by side. */
export interface Lane {
  readonly name: string;
  /** Called when the lane starts, with the time, so bodies carry fresh times. */
  readonly plan: (startMs: number) => readonly Outgoing[];
}

export interface SendOptions {
  readonly url: string | URL;
  /** Signs each message at send time; needed unless every message is raw. */
  readonly signer?: Signer;
  /** Signature header family; default webhook. */
  readonly headers?: HeaderChoice;
  /** Lanes at once; default 10. */
  readonly concurrency?: number;
  /** 1 keeps the planned spacing, 10 is ten times faster, 0 sends as fast as possible. Default 0. */
  readonly speed?: number;
  /** Retries of a failed message on Svix's schedule (scaled by speed); default 0, at most 7. */
  readonly retries?: number;
  /** Per request; default Recall's 15 s. */
  readonly timeoutMs?: number;
  /** An undici dispatcher to use (and leave open); default a keep-alive Agent made and closed here. */
  readonly dispatcher?: Dispatcher;
  /** Epoch ms, for signature timestamps; default Date.now. */
  readonly now?: () => number;
  /** Monotonic ms, for latency; default performance.now. */
  readonly clock?: () => number;
  /** Waits; tests pass one that returns at once. Must resolve (not reject) when the signal aborts. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Stops the run: no new sends; the report says interrupted. */
  readonly signal?: AbortSignal;
  readonly onDelivery?: (record: DeliveryRecord) => void;
  /** Each attempt's exact request, just before it goes out (emulate --inspect journals it). */
  readonly onSend?: (sent: SentRequest) => void;
  /**
   * Stop the run when a whole lane found nothing listening (every request refused): no new lanes,
   * no more sends or retries; the summary says `stopped: "refused"`. Default false.
   */
  readonly stopWhenRefused?: boolean;
  /** Sent with every signed message (user-agent, say). */
  readonly extraHeaders?: Readonly<Record<string, string>>;
}

export interface SentRequest {
  readonly url: string;
  readonly message: Outgoing;
  readonly attempt: number;
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  readonly body: string | Uint8Array;
  /** Epoch ms. */
  readonly sentAt: number;
}

/** The longest wait a Node timer takes; longer ones fire at once with a TimeoutOverflowWarning. */
export const MAX_DELAY_MS = 2 ** 31 - 1;

const realSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  delay(ms, undefined, signal ? { signal } : {}).catch(() => undefined);

/** Runs lanes over one keep-alive pool and reports every request and a summary. */
export async function sendLanes(lanes: readonly Lane[], options: SendOptions): Promise<RunReport> {
  const retries = options.retries ?? 0;
  if (!Number.isInteger(retries) || retries < 0 || retries > SVIX_RETRY_SCHEDULE_MS.length) {
    throw new RangeError(`retries must be a whole number from 0 to ${SVIX_RETRY_SCHEDULE_MS.length}`);
  }
  const dispatcher = options.dispatcher ?? (await createPool(options.concurrency ?? 10));
  const sender = new LaneSender(options, dispatcher);
  const started = sender.clock();
  try {
    await runPool(lanes, Math.max(1, options.concurrency ?? 10), (lane) => sender.runLane(lane));
    await sender.settled();
  } finally {
    if (options.dispatcher === undefined) await dispatcher.close();
  }
  const records = sender.records;
  const summary = summarize(records, lanes.map((l) => l.name), sender.clock() - started, options.signal?.aborted === true, sender.stopped);
  return { deliveries: records, summary };
}

function createPool(concurrency: number): Promise<Dispatcher> {
  return createDispatcher({}, { connections: poolSize(concurrency) });
}

/** Connections for a run with this many lanes at once: a retry can overlap its lane's next send. */
export function poolSize(concurrency: number): number {
  return Math.max(8, Math.min(256, concurrency * 2));
}

/** Runs `work` over items with at most `limit` in flight. */
async function runPool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next]!;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Sends messages one at a time as a caller produces them (the emulator's state changes), with the
 * same signing, delivery and Svix retries as `sendLanes`. Nothing is kept: records go to onDelivery.
 */
export interface MessageSender {
  /** Sends now; resolves with the first attempt's record (retries follow on their own schedule). */
  send(lane: string, message: Outgoing): Promise<DeliveryRecord>;
  /** Waits for retries still scheduled. */
  settled(): Promise<void>;
}

export function createSender(options: SendOptions & { readonly dispatcher: Dispatcher }): MessageSender {
  const sender = new LaneSender(options, options.dispatcher, false);
  return { send: (lane, message) => sender.attempt(lane, message, 1), settled: () => sender.settled() };
}

class LaneSender {
  /** Every attempt of a run (empty for a long-lived sender, which only reports through onDelivery). */
  readonly records: DeliveryRecord[] = [];
  readonly #keep: boolean;
  readonly clock: () => number;
  readonly #options: SendOptions;
  readonly #dispatcher: Dispatcher;
  readonly #pending = new Set<Promise<void>>();
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Fires on the caller's signal or when the run stops itself (stopWhenRefused). */
  readonly #stop = new AbortController();
  readonly #signal: AbortSignal;
  stopped: "refused" | null = null;

  constructor(options: SendOptions, dispatcher: Dispatcher, keep = true) {
    this.#keep = keep;
    this.#options = options;
    this.#dispatcher = dispatcher;
    this.clock = options.clock ?? performance.now.bind(performance);
    this.#sleep = options.sleep ?? realSleep;
    this.#signal = options.signal ? AbortSignal.any([options.signal, this.#stop.signal]) : this.#stop.signal;
  }

  get #aborted(): boolean {
    return this.#signal.aborted;
  }

  async runLane(lane: Lane): Promise<void> {
    if (this.#aborted) return;
    const plan = lane.plan((this.#options.now ?? Date.now)());
    const first = this.records.length;
    for (const message of plan) {
      // At speed 0 there is nothing to wait for: no promise, timer or turn of the loop per message.
      const pause = this.#wait(message.delayMs);
      if (pause !== null) await pause;
      if (message.before !== undefined) await message.before();
      if (this.#aborted) return;
      await this.attempt(lane.name, message, 1);
      message.after?.();
    }
    // A whole lifecycle refused means nothing listens there: the other lanes would only repeat it.
    if (this.#options.stopWhenRefused && this.#allRefused(first, lane.name)) {
      this.stopped ??= "refused";
      this.#stop.abort();
    }
  }

  /** Whether the lane sent something since records[from], and every request of it was refused. */
  #allRefused(from: number, lane: string): boolean {
    let sent = false;
    for (let i = from; i < this.records.length; i += 1) {
      const record = this.records[i]!;
      if (record.lane !== lane) continue;
      // Stops at the lane's first answer: a run against a live target reads one record per lane.
      if (record.error !== "refused") return false;
      sent = true;
    }
    return sent;
  }

  /** Waits for retries still scheduled. */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  /** The wait before a send, or null when there is none. */
  #wait(ms: number): Promise<void> | null {
    const speed = this.#options.speed ?? 0;
    return speed > 0 && ms > 0 ? this.#sleep(Math.min(ms / speed, MAX_DELAY_MS), this.#signal) : null;
  }

  async attempt(lane: string, message: Outgoing, attempt: number): Promise<DeliveryRecord> {
    const record = await this.#send(lane, message, attempt);
    if (this.#keep) this.records.push(record);
    this.#options.onDelivery?.(record);
    // Svix schedules each message's retries on its own: later messages of the lane do not wait.
    if (record.willRetry) {
      const retry = (this.#wait(SVIX_RETRY_SCHEDULE_MS[attempt - 1]!) ?? Promise.resolve()).then(async () => {
        if (!this.#aborted) await this.attempt(lane, message, attempt + 1);
      });
      this.#pending.add(retry);
      retry.finally(() => this.#pending.delete(retry)).catch(() => undefined);
    }
    return record;
  }

  async #send(lane: string, message: Outgoing, attempt: number): Promise<DeliveryRecord> {
    const options = this.#options;
    const sentAt = (options.now ?? Date.now)();
    let headers: Readonly<Record<string, string | readonly string[]>>;
    let body: string | Uint8Array = message.body;
    let timestamp: number | null = null;
    if (message.rawHeaders !== undefined) {
      headers = message.rawHeaders;
    } else {
      if (options.signer === undefined) throw new Error("sendLanes: a signer is needed for messages that are not raw");
      timestamp = unixSeconds(sentAt);
      // Valid UTF-8 bytes (a replayed capture) go out as they are: the same bytes their text would be.
      body = typeof message.body !== "string" && isUtf8(message.body) ? message.body : bodyText(message.body);
      const signature = options.signer.signature(message.id, timestamp, body);
      headers = signedHeaders(message.headers ?? options.headers ?? "webhook", message.id, timestamp, signature, options.extraHeaders);
    }
    options.onSend?.({ url: String(options.url), message, attempt, headers, body, sentAt });
    const result = await deliver({
      url: options.url, headers, body, dispatcher: this.#dispatcher, clock: this.clock, timeoutMs: options.timeoutMs ?? RECALL_TIMEOUT_MS,
    });
    return {
      lane, bot: message.bot, event: message.event, id: message.id, attempt, duplicate: message.duplicate,
      status: result.status, ok: result.ok, latencyMs: result.latencyMs, error: result.error, errorMessage: result.errorMessage,
      responseBody: result.ok ? "" : result.body, sentAt, timestamp,
      willRetry: !result.ok && attempt <= (options.retries ?? 0) && !this.#aborted,
    };
  }
}

/**
 * A signed message's headers: content-type, the caller's extra headers, then the signature's. The
 * usual case (webhook-* only, nothing extra) is one object literal, built per request.
 */
function signedHeaders(
  family: HeaderChoice, id: string, timestamp: number, signature: string, extra: Readonly<Record<string, string>> | undefined,
): Record<string, string> {
  if (family === "webhook" && extra === undefined) {
    return { "content-type": "application/json", "webhook-id": id, "webhook-timestamp": String(timestamp), "webhook-signature": signature };
  }
  return { "content-type": "application/json", ...extra, ...signatureHeaders(family, id, timestamp, signature) };
}
