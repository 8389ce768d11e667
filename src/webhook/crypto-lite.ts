import { closeSync, openSync, readSync } from "node:fs";
import { HMAC } from "fast-sha256";

/**
 * ./crypto.ts without node:crypto, for the short commands' bundle (scripts/build-cli.mjs swaps it
 * in): HMAC-SHA256 from fast-sha256 (bundled; the implementation svix's own verifier uses, through
 * standardwebhooks), random bytes from /dev/urandom, the comparison written out. Loading
 * node:crypto cost a one-shot `sign` or `verify` about 5 ms; what counts here is the cost of a
 * first, cold call on a few kilobytes, where fast-sha256 took about 0.5 ms less than
 * @noble/hashes (npm run bench, start-up). Long-running commands keep node:crypto.
 * test/webhook-crypto.test.ts holds the two to the same answers.
 */

export function hmacSha256(key: Uint8Array, parts: readonly (string | Uint8Array)[]): Buffer {
  const mac = new HMAC(key);
  for (const part of parts) mac.update(typeof part === "string" ? Buffer.from(part, "utf8") : part);
  const out = Buffer.from(mac.digest());
  mac.clean();
  return out;
}

export function hmacSha256Base64(key: Uint8Array, parts: readonly (string | Uint8Array)[]): string {
  return hmacSha256(key, parts).toString("base64");
}

export function fillRandom<T extends Uint8Array>(bytes: T): T {
  let fd: number;
  try {
    fd = openSync("/dev/urandom", "r");
  } catch {
    // No /dev/urandom (Windows): the Web Crypto API, which every Node has (it loads more, but only here).
    return globalThis.crypto.getRandomValues(bytes);
  }
  try {
    for (let at = 0; at < bytes.length;) at += readSync(fd, bytes, at, bytes.length - at, null);
  } finally {
    closeSync(fd);
  }
  return bytes;
}

export function uuid(): string {
  const b = fillRandom(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40; // version 4
  b[8] = (b[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = Buffer.from(b).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) throw new RangeError("sameBytes: the two must have the same length");
  let diff = 0;
  for (let i = 0; i < a.length; i += 1) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
