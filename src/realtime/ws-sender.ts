import type WebSocket from "ws";
import { newMessageId } from "../recall/build-parts.js";
import type { HeaderChoice } from "../webhook/headers.js";
import { type Signer, unixSeconds } from "../webhook/sign.js";
import {
  type EndpointSender, type EndpointSummary, type RealtimeEvent, type SenderTiming, WEBSOCKET_RECONNECT, emptySummary, scaled,
} from "./endpoint.js";

export interface WebSocketSenderOptions extends SenderTiming {
  readonly url: URL;
  readonly signer: Signer | null;
  readonly headers?: HeaderChoice;
  readonly extraHeaders?: Readonly<Record<string, string>>;
  readonly onEvent?: (event: RealtimeEvent) => void;
  /** Time allowed for the upgrade; default 10 s. */
  readonly handshakeTimeoutMs?: number;
}

/** The upgrade request's signature headers: the three headers over an empty body (recall-webhooks.md §4.3). */
export function signedUpgradeHeaders(signer: Signer | null, nowMs: number, family: HeaderChoice = "webhook"): Record<string, string> {
  return signer ? signer.sign(newMessageId(), unixSeconds(nowMs), "", family).headers : {};
}

/**
 * A WebSocket endpoint as Recall drives one: one connection, opened with a signed upgrade request,
 * frames written in order as text messages. A failed upgrade or a dropped connection is retried 3 s
 * apart (scaled by speed), up to 30 times per incident; frames wait meanwhile. After that the
 * endpoint is failed and the frames still waiting are lost.
 */
export class WebSocketSender implements EndpointSender {
  readonly summary: EndpointSummary;
  readonly #options: WebSocketSenderOptions;
  #queue: { event: string; body: string | Buffer; done: () => void }[] = [];
  #working: Promise<void> | null = null;
  #connection: Promise<WebSocket | null> | null = null;
  #socket: WebSocket | null = null;
  #opened = false;
  #closing = false;
  /** Cuts a reconnection wait short once the stream has ended. */
  readonly #stop = new AbortController();

  constructor(options: WebSocketSenderOptions) {
    this.#options = options;
    this.summary = emptySummary(options.url.href, "websocket");
  }

  /** A string goes out as a text message, bytes as a binary one. */
  send(event: string, body: string | Buffer): Promise<void> {
    return new Promise((done) => {
      this.#queue.push({ event, body, done });
      this.#working ??= this.#work().finally(() => { this.#working = null; });
    });
  }

  async close(): Promise<void> {
    while (this.#working) await this.#working;
    this.#closing = true;
    // A reconnection under way (the server dropped the connection after the last frame) is not needed now.
    this.#stop.abort();
    await this.#connection;
    const socket = this.#socket;
    if (socket === null) return;
    await new Promise<void>((resolve) => {
      socket.once("close", () => resolve());
      socket.close(1000, "recording ended");
      // A server that never answers the close handshake does not hold the run.
      setTimeout(() => socket.terminate(), 2_000).unref();
    });
  }

  async #work(): Promise<void> {
    while (this.#queue.length > 0) {
      const item = this.#queue[0]!;
      const ok = await this.#deliver(item.body);
      this.#queue.shift();
      if (ok) {
        this.summary.frames += 1;
        this.summary.byEvent[item.event] = (this.summary.byEvent[item.event] ?? 0) + 1;
      } else {
        this.summary.lost += 1;
      }
      item.done();
    }
  }

  /** Writes one frame, reconnecting as Recall does; false when the endpoint failed or the run stopped. */
  async #deliver(body: string | Buffer): Promise<boolean> {
    for (;;) {
      if (this.summary.failed || this.#options.signal?.aborted) return false;
      const socket = await (this.#connection ??= this.#connect(this.#opened));
      if (socket === null) return false;
      const written = await new Promise<boolean>((resolve) => socket.send(body, (error) => resolve(error == null)));
      if (written) return true;
      // Written to a closing socket: its close handler starts the reconnection this loop waits on.
      if (socket.readyState !== socket.CLOSED) await new Promise((resolve) => socket.once("close", resolve));
    }
  }

  /** Connects, with up to 30 reconnections 3 s apart; null when they all failed. */
  async #connect(reconnecting: boolean): Promise<WebSocket | null> {
    const o = this.#options;
    const { default: WebSocketClass } = await import("ws");
    for (let attempt = 1; ; attempt++) {
      const isReconnect = reconnecting || attempt > 1;
      const signal = o.signal ? AbortSignal.any([o.signal, this.#stop.signal]) : this.#stop.signal;
      if (isReconnect) await o.sleep(scaled(WEBSOCKET_RECONNECT.intervalMs, o.speed), signal);
      if (o.signal?.aborted || this.#closing) return null;
      this.summary.connections += 1;
      const outcome = await this.#open(WebSocketClass);
      const tries = reconnecting ? attempt : attempt - 1;
      const more = outcome.socket === null && tries < WEBSOCKET_RECONNECT.attempts && o.signal?.aborted !== true;
      o.onEvent?.({
        type: "connect", endpoint: o.url.href, attempt, reconnect: isReconnect, ok: outcome.socket !== null,
        status: outcome.status, message: outcome.message, retryInMs: more ? scaled(WEBSOCKET_RECONNECT.intervalMs, o.speed) : null,
      });
      if (outcome.socket !== null && this.#closing) {
        outcome.socket.close(1000, "recording ended");
        return null;
      }
      if (outcome.socket !== null) {
        this.#watch(outcome.socket);
        return outcome.socket;
      }
      if (!more) break;
    }
    if (!o.signal?.aborted && !this.#closing) {
      this.summary.failed = true;
      o.onEvent?.({
        type: "endpoint_failed", endpoint: o.url.href, lost: this.#queue.length,
        message: `no connection after ${WEBSOCKET_RECONNECT.attempts} reconnection attempts: Recall marks the endpoint failed and sends it nothing more.`,
      });
    }
    return null;
  }

  #open(WebSocketClass: typeof WebSocket): Promise<{ socket: WebSocket | null; status: number | null; message: string | null }> {
    const o = this.#options;
    const headers = { ...o.extraHeaders, ...signedUpgradeHeaders(o.signer, o.now(), o.headers) };
    return new Promise((resolve) => {
      const socket = new WebSocketClass(o.url, { headers, handshakeTimeout: o.handshakeTimeoutMs ?? 10_000, followRedirects: false });
      socket.once("open", () => { socket.removeAllListeners("error"); resolve({ socket, status: 101, message: null }); });
      socket.once("unexpected-response", (_request, response) => {
        response.resume();
        resolve({ socket: null, status: response.statusCode ?? null, message: `upgrade answered ${response.statusCode}` });
        socket.terminate();
      });
      socket.on("error", (error) => resolve({ socket: null, status: null, message: error.message }));
    });
  }

  /** A connection that closes while streaming starts an incident: reconnect at once, in the background. */
  #watch(socket: WebSocket): void {
    this.#opened = true;
    this.#socket = socket;
    socket.on("error", () => {});
    socket.once("close", (code, reason) => {
      if (this.#socket === socket) this.#socket = null;
      if (this.#closing) return;
      this.summary.drops += 1;
      this.#options.onEvent?.({ type: "disconnect", endpoint: this.#options.url.href, code, reason: reason.toString("utf8") });
      this.#connection = this.#connect(true);
    });
  }
}
