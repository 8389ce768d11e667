import { Webhook } from "svix/dist/webhook.js";
import { type HeaderChoice, signatureHeaders } from "./headers.js";
import { type ParsedSecret, parseSecret } from "./secret.js";

export interface SignOptions {
  /** `whsec_...` or bare base64, or an already parsed secret. */
  readonly secret: string | ParsedSecret;
  /** The message id (`msg_...`); the same id across retries lets receivers dedupe. */
  readonly id: string;
  /** Unix seconds. */
  readonly timestamp: number;
  /** The exact bytes that will be sent. */
  readonly body: string | Uint8Array;
  readonly headers?: HeaderChoice;
}

export interface SignedRequest {
  readonly id: string;
  readonly timestamp: number;
  /** `v1,<base64>` */
  readonly signature: string;
  readonly headers: Record<string, string>;
  /** The exact signed body, as a string. */
  readonly body: string;
}

/**
 * Signs with svix's own `Webhook.sign`, so a delivery we call valid is valid for the user's
 * svix-based handler. One Webhook per secret is kept, since constructing it decodes the key.
 */
export class Signer {
  readonly secret: ParsedSecret;
  readonly #webhook: Webhook;

  constructor(secret: string | ParsedSecret) {
    this.secret = typeof secret === "string" ? parseSecret(secret) : secret;
    this.#webhook = new Webhook(this.secret.value);
  }

  /** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` */
  signature(id: string, timestamp: number, body: string | Uint8Array): string {
    return this.#webhook.sign(id, new Date(timestamp * 1000), bodyText(body));
  }

  sign(id: string, timestamp: number, body: string | Uint8Array, headers: HeaderChoice = "webhook"): SignedRequest {
    const text = bodyText(body);
    const signature = this.signature(id, timestamp, text);
    return { id, timestamp, signature, headers: signatureHeaders(headers, id, timestamp, signature), body: text };
  }
}

/** One-shot signing for library users. */
export function sign(options: SignOptions): SignedRequest {
  return new Signer(options.secret).sign(options.id, options.timestamp, options.body, options.headers ?? "webhook");
}

/** svix signs strings; bytes are read as UTF-8, exactly as svix reads a Buffer. */
export function bodyText(body: string | Uint8Array): string {
  if (typeof body === "string") return body;
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8");
}

/** Unix seconds from a clock in milliseconds. */
export function unixSeconds(nowMs: number): number {
  return Math.floor(nowMs / 1000);
}
