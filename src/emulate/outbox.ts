import type { Dispatcher } from "undici";
import { matchesAny } from "../recall/catalog.js";
import { newMessageId } from "../recall/build-parts.js";
import { type BodyFormat, formatBody } from "../recall/body-format.js";
import { createSender, type MessageSender, type SentRequest, SVIX_RETRY_SCHEDULE_MS } from "../simulate/engine.js";
import type { DeliveryRecord } from "../simulate/report.js";
import type { Signer } from "../webhook/sign.js";

// Dashboard webhooks: every message goes to every configured endpoint through the simulate engine's
// sender (signing at send time, one keep-alive pool, Svix's retry schedule scaled by speed). A bot's
// messages leave in order; each endpoint's retries run on their own, as Svix's do.

export interface EmulatorDelivery extends DeliveryRecord {
  readonly url: string;
}

export interface OutboxOptions {
  readonly urls: readonly URL[];
  readonly signer: Signer;
  readonly dispatcher: Dispatcher;
  /** Retry delays are divided by it; 0 retries at once. */
  readonly speed: number;
  /** Only these event globs are sent (Svix's per-event subscription); empty sends all. */
  readonly events: readonly string[];
  readonly bodyFormat: BodyFormat;
  /** Retries after a failed attempt; default Svix's 7. */
  readonly retries?: number;
  /** 0..1: the share of messages sent twice with the same id (at-least-once delivery on demand). */
  readonly duplicates?: number;
  readonly random: () => number;
  /** Delivery records kept for the control API; default 10,000 (oldest dropped). */
  readonly keep?: number;
  readonly signal: AbortSignal;
  readonly onDelivery?: (delivery: EmulatorDelivery) => void;
  readonly onSend?: (sent: SentRequest) => void;
}

export class Outbox {
  readonly #options: OutboxOptions;
  readonly #senders: ReadonlyArray<{ url: string; sender: MessageSender }>;
  readonly #chains = new Map<string, Promise<void>>();
  readonly #kept: EmulatorDelivery[] = [];
  #dropped = 0;

  constructor(options: OutboxOptions) {
    this.#options = options;
    const retries = options.retries ?? SVIX_RETRY_SCHEDULE_MS.length;
    this.#senders = options.urls.map((url) => ({
      url: url.href,
      sender: createSender({
        url, signer: options.signer, dispatcher: options.dispatcher, speed: options.speed, retries, signal: options.signal,
        onDelivery: (record) => this.#record({ ...record, url: url.href }),
        ...(options.onSend && { onSend: options.onSend }),
      }),
    }));
  }

  /** Delivery records, oldest first (bounded). */
  deliveries(): readonly EmulatorDelivery[] {
    return this.#kept;
  }

  clear(): void {
    this.#kept.length = 0;
    this.#dropped = 0;
  }

  /** Whether an event type is sent at all. */
  wants(event: string): boolean {
    return this.#senders.length > 0 && (this.#options.events.length === 0 || matchesAny(event, this.#options.events));
  }

  /**
   * Queues a message behind the bot's earlier ones; resolves once every endpoint answered its first
   * attempt (so speed 0 moves as fast as the app answers).
   */
  send(botId: string, event: string, body: unknown): Promise<void> {
    if (!this.wants(event)) return Promise.resolve();
    const text = formatBody(body, this.#options.bodyFormat);
    const id = newMessageId();
    const previous = this.#chains.get(botId) ?? Promise.resolve();
    const next = previous.then(() => this.#sendAll(botId, event, id, text));
    this.#chains.set(botId, next);
    void next.finally(() => { if (this.#chains.get(botId) === next) this.#chains.delete(botId); });
    return next;
  }

  async #sendAll(botId: string, event: string, id: string, body: string): Promise<void> {
    if (this.#options.signal.aborted) return;
    const duplicate = (this.#options.duplicates ?? 0) > 0 && this.#options.random() < (this.#options.duplicates ?? 0);
    await Promise.all(this.#senders.map(async ({ sender }) => {
      await sender.send(botId, { event, id, body, delayMs: 0, duplicate: false, bot: botId });
      if (duplicate && !this.#options.signal.aborted) await sender.send(botId, { event, id, body, delayMs: 0, duplicate: true, bot: botId });
    }));
  }

  /** Waits for every queued message and scheduled retry. */
  async settled(): Promise<void> {
    while (this.#chains.size > 0) await Promise.all([...this.#chains.values()]);
    await Promise.all(this.#senders.map((s) => s.sender.settled()));
  }

  #record(delivery: EmulatorDelivery): void {
    this.#kept.push(delivery);
    if (this.#kept.length > (this.#options.keep ?? 10_000)) {
      this.#kept.shift();
      this.#dropped += 1;
    }
    this.#options.onDelivery?.(delivery);
  }
}
