import { formatMs } from "../output/format.js";
import type { Answer, CheckRecord, CheckSpec, SkipCause } from "./types.js";

// Judging is pure: a check's answers in, a record out. The runner decides what is sent.

/** An answer above this passes answers-fast with a warning: close to Recall's limit under load. */
export const WARN_MS = 1_000;

const is2xx = (a: Answer): boolean => a.status !== null && a.status >= 200 && a.status < 300;
const is4xx = (a: Answer): boolean => a.status !== null && a.status >= 400 && a.status < 500;

/** The p-th percentile (nearest rank) of a list of times. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** A check that was not sent, or whose answers cannot say anything. */
export function unjudged(spec: CheckSpec, cause: SkipCause, why: string, fix: string, answers: readonly Answer[] = []): CheckRecord {
  return {
    ...base(spec, answers), ok: null, got: answers[0] ?? null, summary: answers.length === 0 ? "not sent" : describe(answers[0]!),
    why, fix, skipCause: cause,
  };
}

function base(spec: CheckSpec, answers: readonly Answer[]): Omit<CheckRecord, "ok" | "got" | "summary" | "why" | "fix" | "skipCause"> {
  return { id: spec.id, name: spec.name, sends: spec.sends, expected: spec.expected, sent: answers.length, warning: null, p95Ms: null };
}

/** `204 in 3.1 ms`, `no answer (timeout) after 15.0 s`. */
export function describe(answer: Answer): string {
  if (answer.status === null) return `no answer (${answer.error ?? "error"}) after ${formatMs(answer.ms)}`;
  return `${answer.status} in ${formatMs(answer.ms)}`;
}

/** Judges a check's answers. `timeoutMs` is the run's limit, for the words. */
export function judge(spec: CheckSpec, answers: readonly Answer[], timeoutMs: number): CheckRecord {
  if (answers.some((a) => a.error === "interrupted")) return unjudged(spec, "interrupted", "the run was interrupted before an answer", "run the check again", answers);
  const unreachable = answers.find((a) => a.error === "refused" || a.error === "dns" || a.error === "other");
  if (unreachable) return cannotConnect(spec, answers, unreachable);
  const timedOut = answers.find((a) => a.error === "timeout");
  if (timedOut && !spec.timeoutFails) {
    return unjudged(spec, "no-answer", `no answer within ${formatMs(timeoutMs)}, so what the handler does with this delivery is unknown (answers-fast judges speed)`,
      "answer 2xx first and do the work after; then run the check again", answers);
  }
  if (spec.judging === "speed") return judgeSpeed(spec, answers, timeoutMs);
  const wanted = spec.judging === "accept" ? is2xx : is4xx;
  const bad = answers.find((a) => !wanted(a));
  const slowest = answers.reduce<Answer | null>((worst, a) => (worst === null || a.ms > worst.ms ? a : worst), null);
  if (bad === undefined) return { ...base(spec, answers), ok: true, got: slowest, summary: summarize(answers), why: null, fix: null, skipCause: null };
  return { ...base(spec, answers), ok: false, got: bad, summary: summarize(answers), why: whyFailed(spec, bad, timeoutMs), fix: spec.fix, skipCause: null };
}

function cannotConnect(spec: CheckSpec, answers: readonly Answer[], answer: Answer): CheckRecord {
  const fix = answer.error === "dns" ? "the host name does not resolve: check the URL" : "start the handler, or check the URL";
  return unjudged(spec, "unreachable", `could not reach the handler: ${answer.message ?? answer.error}`, fix, answers);
}

function judgeSpeed(spec: CheckSpec, answers: readonly Answer[], timeoutMs: number): CheckRecord {
  const times = answers.map((a) => a.ms);
  const p95 = percentile(times, 95);
  const max = Math.max(...times);
  const timedOut = answers.find((a) => a.error === "timeout");
  const slowest = answers.find((a) => a.ms === max) ?? null;
  const summary = `p95 ${formatMs(p95)}, max ${formatMs(max)} over ${answers.length}`;
  const common = { ...base(spec, answers), summary, p95Ms: p95, skipCause: null };
  if (timedOut) {
    const summary = `no answer within ${formatMs(timeoutMs)} at delivery ${answers.indexOf(timedOut) + 1}`;
    return { ...common, ok: false, got: timedOut, summary, why: `no answer within ${formatMs(timeoutMs)}: ${spec.why}`, fix: spec.fix };
  }
  const reset = answers.find((a) => a.status === null);
  if (reset) return { ...common, ok: false, got: reset, why: `the connection was closed without an answer (${reset.error}): did the handler crash?`, fix: spec.fix };
  const warning = max > WARN_MS ? `an answer took ${formatMs(max)}: under Recall's 15 s, but close under load; answer first, work after` : null;
  return { ...common, ok: true, got: slowest, why: null, fix: null, warning };
}

/** `204` for one answer; `50 × 204, max 12 ms`; `19 × 204, 1 × 409`. */
function summarize(answers: readonly Answer[]): string {
  if (answers.length === 1) return describe(answers[0]!);
  const counts = new Map<string, number>();
  for (const a of answers) {
    const key = a.status === null ? `no answer (${a.error})` : String(a.status);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const max = Math.max(...answers.map((a) => a.ms));
  return `${[...counts].map(([k, n]) => `${n} × ${k}`).join(", ")}, max ${formatMs(max)}`;
}

/** The outcome in words, then why it matters. */
function whyFailed(spec: CheckSpec, bad: Answer, timeoutMs: number): string {
  if (bad.status === null) {
    const what = bad.error === "timeout" ? `no answer within ${formatMs(timeoutMs)}` : "the connection was closed without an answer: did the handler crash?";
    return `${what}; ${spec.why}`;
  }
  if (spec.judging === "reject") {
    if (bad.status >= 200 && bad.status < 300) return `answered ${bad.status}: ${spec.why}`;
    if (bad.status >= 500) return `answered ${bad.status} instead of a 4xx: the handler failed on it rather than rejecting it (an error page is not a rejection)`;
    return `answered ${bad.status}, expected a 4xx: ${spec.why}`;
  }
  if (bad.status >= 300 && bad.status < 400) return `answered ${bad.status}: Recall counts a redirect as a failure and does not follow it`;
  return `answered ${bad.status}: ${spec.why}`;
}
