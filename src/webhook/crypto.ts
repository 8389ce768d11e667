import { createHmac, type Hmac, randomFillSync, randomUUID, timingSafeEqual } from "node:crypto";

/**
 * The few cryptographic operations recall-hooks needs, from node:crypto. The short commands' bundle
 * (dist/bundle/short.cjs: sign, verify, secret, events) uses ./crypto-lite.ts in its place
 * (scripts/build-cli.mjs): loading node:crypto (and the streams it pulls in) was about 5 ms of a
 * 30 ms `sign`. test/webhook-crypto.test.ts holds the two to the same answers.
 */

/** HMAC-SHA256 under `key` of the parts, one after the other (strings as UTF-8). */
export function hmacSha256(key: Uint8Array, parts: readonly (string | Uint8Array)[]): Buffer {
  return keyed(key, parts).digest();
}

/** The same, as base64 text, written by the hash itself: no Buffer in between (a signature per request). */
export function hmacSha256Base64(key: Uint8Array, parts: readonly (string | Uint8Array)[]): string {
  return keyed(key, parts).digest("base64");
}

function keyed(key: Uint8Array, parts: readonly (string | Uint8Array)[]): Hmac {
  const hmac = createHmac("sha256", key);
  for (const part of parts) hmac.update(part);
  return hmac;
}

/** Fills `bytes` from the system's secure random source. */
export function fillRandom<T extends Uint8Array>(bytes: T): T {
  return randomFillSync(bytes);
}

/** A random (version 4) UUID. */
export function uuid(): string {
  return randomUUID();
}

/** True when both hold the same bytes; the time taken does not depend on where they differ. Lengths must match. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return timingSafeEqual(a, b);
}
