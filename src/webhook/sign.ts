import { isUtf8 } from "node:buffer";
import { type BodyFormat, formatBody } from "../recall/body-format.js";
import type { RecallEvent } from "../recall/build-parts.js";
import { hmacSha256, hmacSha256Base64 } from "./crypto.js";
import { type HeaderChoice, signatureHeaders } from "./headers.js";
import { type ParsedSecret, parseSecret } from "./secret.js";

export interface SignOptions {
  /** `whsec_...` or bare base64, or an already parsed secret. */
  readonly secret: string | ParsedSecret;
  /** The message id (`msg_...`); the same id across retries lets receivers dedupe. */
  readonly id: string;
  /** Unix seconds. */
  readonly timestamp: number;
  /** The exact bytes that will be sent, or an event (buildEvent's) to write in `bodyFormat` first. */
  readonly body: string | Uint8Array | RecallEvent;
  /** How an event body is written; default spaced (Python's json.dumps). Ignored for text and bytes. */
  readonly bodyFormat?: BodyFormat;
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
 * Signs exactly as svix's `Webhook.sign` does (HMAC-SHA256 of `id.timestamp.body` under the
 * decoded key, bytes read as UTF-8), so a delivery we call valid is valid for the user's
 * svix-based handler; test/webhook-sign-parity.test.ts holds the two to the same answers. It hashes
 * with node:crypto (./crypto.ts; the short commands' bundle swaps in ./crypto-lite.ts) rather than
 * calling svix: svix hashes in JavaScript, which cost the listener a fifth of its time per
 * delivery, and loading svix slowed `sign` down (see `npm run bench`).
 */
export class Signer {
  readonly secret: ParsedSecret;

  constructor(secret: string | ParsedSecret) {
    this.secret = typeof secret === "string" ? parseSecret(secret) : secret;
  }

  /** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` */
  signature(id: string, timestamp: number, body: string | Uint8Array): string {
    return `v1,${hmacSha256Base64(this.secret.key, signedParts(id, timestamp, body))}`;
  }

  /** The raw HMAC behind `signature`. */
  digest(id: string, timestamp: number, body: string | Uint8Array): Buffer {
    return hmacSha256(this.secret.key, signedParts(id, timestamp, body));
  }

  sign(id: string, timestamp: number, body: string | Uint8Array, headers: HeaderChoice = "webhook"): SignedRequest {
    const text = bodyText(body);
    const signature = this.signature(id, timestamp, text);
    return { id, timestamp, signature, headers: signatureHeaders(headers, id, timestamp, signature), body: text };
  }
}

/** What svix signs: `id.timestamp.` and the body. */
function signedParts(id: string, timestamp: number, body: string | Uint8Array): [string, string | Uint8Array] {
  // Valid UTF-8 bytes are hashed as they are: the same bytes svix gets by decoding and encoding them.
  return [`${id}.${Math.floor(timestamp)}.`, typeof body === "string" || !isUtf8(body) ? bodyText(body) : body];
}

/** One-shot signing for library users. */
export function sign(options: SignOptions): SignedRequest {
  const { body } = options;
  const bytes = typeof body === "string" || body instanceof Uint8Array ? body : formatBody(body, options.bodyFormat);
  return new Signer(options.secret).sign(options.id, options.timestamp, bytes, options.headers ?? "webhook");
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
