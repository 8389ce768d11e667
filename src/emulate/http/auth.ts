import { timingSafeEqual } from "node:crypto";
import { invalidToken, notAuthenticated, type ApiError } from "./errors.js";

/**
 * Recall's auth: `Authorization: Token <key>` as documented, and the bare key every Recall sample
 * sends. Anything else (Bearer, a wrong key, none) gets Recall's 401.
 */
export function checkAuth(header: string | undefined, apiKey: string): ApiError | null {
  if (header === undefined || header.trim() === "") return notAuthenticated();
  const value = header.trim();
  const key = /^token\s+/i.test(value) ? value.replace(/^token\s+/i, "") : value;
  const a = Buffer.from(key);
  const b = Buffer.from(apiKey);
  return a.length === b.length && timingSafeEqual(a, b) ? null : invalidToken();
}
