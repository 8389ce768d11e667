import { injected, throttled, type ApiError } from "./errors.js";

// Failures on demand at the API: Recall's per-minute rate limits (--rate-limit), injected failures of
// Create Bot (--fail-create 507:0.2), and Idempotency-Key replays.

/** Recall's per-workspace limits per minute (recall-api.md §1). */
export const RATE_LIMITS = { createOrList: 60, botCommand: 300, createTranscriptPerBot: 5 } as const;

/** Fixed one-minute windows per bucket. */
export class RateLimiter {
  readonly #windows = new Map<string, { start: number; count: number }>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Counts a request in `bucket`; a 429 with Retry-After once `limit` is passed. */
  check(bucket: string, limit: number): ApiError | null {
    const now = this.#now();
    let w = this.#windows.get(bucket);
    if (w === undefined || now - w.start >= 60_000) {
      if (this.#windows.size > 10_000) this.#windows.clear();
      w = { start: now, count: 0 };
      this.#windows.set(bucket, w);
    }
    w.count += 1;
    if (w.count <= limit) return null;
    return throttled(Math.max(1, Math.ceil((w.start + 60_000 - now) / 1000)));
  }

  clear(): void {
    this.#windows.clear();
  }
}

export interface FailRule {
  readonly status: number;
  /** 0..1 */
  readonly rate: number;
}

/** `507:0.2` -> {status: 507, rate: 0.2}; null when it does not read. */
export function parseFailRule(text: string): FailRule | null {
  const m = /^(\d{3})(?::(\d*\.?\d+))?$/.exec(text.trim());
  if (m === null) return null;
  const status = Number(m[1]);
  const rate = m[2] === undefined ? 1 : Number(m[2]);
  if (status < 400 || status > 599 || !(rate >= 0 && rate <= 1)) return null;
  return { status, rate };
}

/** The injected failure for this Create Bot request, if the dice say so. */
export function rollFailure(rules: readonly FailRule[], random: () => number): ApiError | null {
  for (const rule of rules) if (random() < rule.rate) return injected(rule.status);
  return null;
}

export interface StoredResponse {
  readonly status: number;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** Idempotency-Key: a repeat with the same key on the same method and path gets the original answer. */
export class IdempotencyCache {
  readonly #entries = new Map<string, StoredResponse>();
  readonly #max: number;

  constructor(max = 1_000) {
    this.#max = max;
  }

  get(key: string): StoredResponse | undefined {
    return this.#entries.get(key);
  }

  set(key: string, response: StoredResponse): void {
    this.#entries.delete(key);
    this.#entries.set(key, response);
    if (this.#entries.size > this.#max) this.#entries.delete(this.#entries.keys().next().value as string);
  }

  clear(): void {
    this.#entries.clear();
  }
}
