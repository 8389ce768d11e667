import type { Dispatcher } from "undici";
import { newMessageId } from "../recall/build-parts.js";
import { deliver, RECALL_TIMEOUT_MS } from "../webhook/deliver.js";
import type { HeaderChoice } from "../webhook/headers.js";
import { type Signer, unixSeconds } from "../webhook/sign.js";
import {
  type EndpointSender, type EndpointSummary, type RealtimeEvent, type SenderTiming, WEBHOOK_RETRY, emptySummary, scaled,
} from "./endpoint.js";

export interface WebhookSenderOptions extends SenderTiming {
  readonly url: URL;
  readonly signer: Signer | null;
  readonly headers?: HeaderChoice;
  readonly dispatcher?: Dispatcher;
  readonly timeoutMs?: number;
  readonly extraHeaders?: Readonly<Record<string, string>>;
  readonly onEvent?: (event: RealtimeEvent) => void;
  /** Ids for new messages; default msg_ + 27 base62. */
  readonly newId?: () => string;
}

/**
 * A real-time webhook endpoint as Recall drives one: each event is a signed POST through the one
 * delivery path (deliver.ts), sent only after the one before it was answered 2xx or given up, and
 * retried 1 s apart (scaled by speed) up to 60 times. An event that exhausts its retries fails the
 * endpoint: nothing more is sent to it.
 */
export class WebhookSender implements EndpointSender {
  readonly summary: EndpointSummary;
  readonly #options: WebhookSenderOptions;
  #chain: Promise<void> = Promise.resolve();

  constructor(options: WebhookSenderOptions) {
    this.#options = options;
    this.summary = emptySummary(options.url.href, "webhook");
  }

  send(event: string, body: string): Promise<void> {
    this.#chain = this.#chain.then(() => this.#deliver(event, body));
    return this.#chain;
  }

  async close(): Promise<void> {
    await this.#chain;
  }

  async #deliver(event: string, body: string): Promise<void> {
    const o = this.#options;
    if (this.summary.failed || o.signal?.aborted) {
      this.summary.lost += 1;
      return;
    }
    const id = (o.newId ?? newMessageId)();
    for (let attempt = 1; ; attempt++) {
      const headers: Record<string, string> = { "content-type": "application/json", ...o.extraHeaders };
      if (o.signer) Object.assign(headers, o.signer.sign(id, unixSeconds(o.now()), body, o.headers ?? "webhook").headers);
      const result = await deliver({
        url: o.url, headers, body, timeoutMs: o.timeoutMs ?? RECALL_TIMEOUT_MS, ...(o.dispatcher && { dispatcher: o.dispatcher }),
      });
      if (attempt > 1) this.summary.retries += 1;
      if (result.ok) {
        this.summary.frames += 1;
        this.summary.byEvent[event] = (this.summary.byEvent[event] ?? 0) + 1;
        return;
      }
      const more = attempt <= WEBHOOK_RETRY.retries && o.signal?.aborted !== true;
      const retryInMs = more ? scaled(WEBHOOK_RETRY.intervalMs, o.speed) : null;
      o.onEvent?.({
        type: "attempt", endpoint: o.url.href, event, id, attempt, status: result.status, error: result.error,
        message: result.errorMessage ?? (result.body.trim() || null), retryInMs,
      });
      if (retryInMs === null) break;
      await o.sleep(retryInMs, o.signal);
    }
    this.summary.lost += 1;
    if (o.signal?.aborted) return;
    this.summary.failed = true;
    o.onEvent?.({ type: "endpoint_failed", endpoint: o.url.href, lost: 1, message: `${event} failed ${WEBHOOK_RETRY.retries + 1} times: Recall marks the endpoint failed and sends it nothing more.` });
  }
}
