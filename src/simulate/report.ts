import type { DeliveryErrorKind } from "../webhook/deliver.js";
import { RECALL_TIMEOUT_MS } from "../webhook/deliver.js";

/** One HTTP request sent: the first attempt of a message, a retry, or a duplicate. */
export interface DeliveryRecord {
  /** The lane it was sent in: a bot id for simulate, a source for replay. */
  readonly lane: string;
  readonly bot: string | null;
  readonly event: string;
  /** The message id (webhook-id), the same across retries and duplicates. */
  readonly id: string;
  /** 1 for the first try; retries count up. */
  readonly attempt: number;
  readonly duplicate: boolean;
  /** The HTTP status, or null when no answer came. */
  readonly status: number | null;
  readonly ok: boolean;
  readonly latencyMs: number;
  readonly error: DeliveryErrorKind | null;
  readonly errorMessage: string | null;
  /** The start of the answer's body, kept only for failures. */
  readonly responseBody: string;
  /** Epoch ms when it was sent. */
  readonly sentAt: number;
  /** The signature timestamp sent (Unix seconds), or null for a raw replay. */
  readonly timestamp: number | null;
  /** Whether a retry will follow this failed attempt. */
  readonly willRetry: boolean;
}

export interface LatencySummary {
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

export interface RunSummary {
  /** Requests sent, retries and duplicates included. */
  readonly deliveries: number;
  /** Distinct message ids. */
  readonly messages: number;
  readonly duplicates: number;
  readonly retries: number;
  /** Requests answered non-2xx. */
  readonly non2xx: number;
  /** Requests with no answer (refused, timeout, reset...). */
  readonly errors: number;
  /** Sends (an original or a duplicate) whose last attempt failed: the endpoint lost these. */
  readonly failed: number;
  /** Over answered and unanswered requests alike, in ms; zeros when nothing was sent. */
  readonly latency: LatencySummary;
  /** Requests slower than Recall's 15 s limit (or timed out): Recall would count them failed and retry. */
  readonly overLimit: number;
  readonly lanes: number;
  /** Lanes (bots) that sent nothing: the run was interrupted or stopped first. */
  readonly unsentLanes: number;
  /** Lanes (bots) with at least one failed send. */
  readonly failedLanes: readonly string[];
  readonly durationMs: number;
  /** Stopped early (Ctrl-C or an abort signal). */
  readonly interrupted: boolean;
  /** The run stopped itself: "refused" when a whole lane found nothing listening (stopWhenRefused). */
  readonly stopped: "refused" | null;
  /** Every send ended in a 2xx and nothing was interrupted. */
  readonly ok: boolean;
}

export interface RunReport {
  readonly deliveries: readonly DeliveryRecord[];
  readonly summary: RunSummary;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

export function summarize(
  records: readonly DeliveryRecord[],
  lanes: readonly string[],
  durationMs: number,
  interrupted: boolean,
  stopped: "refused" | null = null,
): RunSummary {
  const latencies = records.map((r) => r.latencyMs).sort((a, b) => a - b);
  // A failure is final unless its retry was sent: a run stopped early leaves retries unsent.
  const attempt = (r: DeliveryRecord, n: number): string => `${r.lane}\0${r.id}\0${r.duplicate}\0${n}`;
  // Only retries (attempt 2 on) are looked up: a run without failures builds no key at all.
  const sent = new Set(records.filter((r) => r.attempt > 1).map((r) => attempt(r, r.attempt)));
  const finalFailures = records.filter((r) => !r.ok && !(r.willRetry && sent.has(attempt(r, r.attempt + 1))));
  const failedLanes = [...new Set(finalFailures.map((r) => r.lane))];
  const sentLanes = new Set(records.map((r) => r.lane));
  return {
    deliveries: records.length,
    messages: new Set(records.map((r) => r.id)).size,
    duplicates: records.filter((r) => r.duplicate && r.attempt === 1).length,
    retries: records.filter((r) => r.attempt > 1).length,
    non2xx: records.filter((r) => r.status !== null && !r.ok).length,
    errors: records.filter((r) => r.status === null).length,
    failed: finalFailures.length,
    latency: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), max: latencies.at(-1) ?? 0 },
    overLimit: records.filter((r) => r.error === "timeout" || r.latencyMs > RECALL_TIMEOUT_MS).length,
    lanes: lanes.length,
    unsentLanes: lanes.filter((lane) => !sentLanes.has(lane)).length,
    failedLanes,
    durationMs,
    interrupted,
    stopped,
    ok: finalFailures.length === 0 && !interrupted,
  };
}
