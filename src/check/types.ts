import type { HeaderChoice } from "../webhook/headers.js";
import type { Signer } from "../webhook/sign.js";

/** The checks, in the order they run. Ids are stable: CI scripts pass them to --only and --skip. */
export const CHECK_IDS = [
  "accepts-valid", "answers-fast", "rejects-bad-signature", "rejects-tampered-body", "rejects-missing-signature",
  "rejects-stale", "rejects-future", "raw-body", "svix-headers", "multiple-signatures", "duplicate",
  "unknown-sub-code", "unknown-event", "legacy-status-change", "out-of-order", "null-fields", "large-body", "concurrency",
] as const;
export type CheckId = (typeof CHECK_IDS)[number];

/** One request of a check, signed (or deliberately not) and ready to go. */
export interface Send {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** What a check plans from: everything it may sign or build with, and the clock. */
export interface PlanContext {
  readonly signer: Signer;
  /** A signer with a different secret, for forgeries and rotation. */
  readonly other: Signer;
  /** The header family of ordinary deliveries. */
  readonly headers: HeaderChoice;
  /** Epoch milliseconds. */
  readonly now: number;
  readonly newId: () => string;
  readonly random: () => string;
}

/**
 * How the answers are judged: `accept` wants 2xx, `reject` wants 4xx, `speed` wants every answer
 * within the timeout whatever its status.
 */
export type Judging = "accept" | "reject" | "speed";

export interface CheckSpec {
  readonly id: CheckId;
  /** One line: what the check is about. */
  readonly name: string;
  /** What is sent, in words (README, --help, a failure's detail). */
  readonly sends: string;
  /** What is expected, in words (the JSON `expected`). */
  readonly expected: string;
  readonly judging: Judging;
  /** Requests one after the other, or all at once. */
  readonly mode: "sequence" | "parallel";
  /** Whether a timeout is this check's failure (speed, load) rather than a reason it cannot judge. */
  readonly timeoutFails?: boolean;
  /** Why a failure matters. */
  readonly why: string;
  /** The handler-side fix. */
  readonly fix: string;
  readonly plan: (ctx: PlanContext) => readonly Send[];
}

/** One answer (or its absence). */
export interface Answer {
  readonly status: number | null;
  readonly ms: number;
  /** The start of the answer's body. */
  readonly body: string;
  /** Why no answer came: refused, timeout, reset, dns, other, interrupted (Ctrl-C). */
  readonly error: string | null;
  /** The error in words ("connection refused"), when no answer came. */
  readonly message: string | null;
}

/** Why a check could not be judged; checks with the same cause are reported together. */
export type SkipCause = "unreachable" | "slow" | "no-answer" | "interrupted";

/** A judged (or unjudged) check, with what the renderers need beyond the JSON document. */
export interface CheckRecord {
  readonly id: CheckId;
  readonly name: string;
  readonly sends: string;
  /** true passed, false failed, null could not be judged. */
  readonly ok: boolean | null;
  readonly expected: string;
  /** The answer that decided: the first one that broke the expectation, else the slowest. */
  readonly got: Answer | null;
  /** Requests sent for this check (0 when it was not sent). */
  readonly sent: number;
  /** One line on the answers as a whole: "p95 2.1 ms, max 3.0 ms over 20", "50 × 204". */
  readonly summary: string;
  readonly why: string | null;
  readonly fix: string | null;
  /** A passed check with something to say (an answer above 1 s). */
  readonly warning: string | null;
  readonly skipCause: SkipCause | null;
  /** For answers-fast: the 95th percentile of the answer times. */
  readonly p95Ms: number | null;
}

/** The result of a run, as `check --json` prints it and `check()` returns it. */
export interface CheckReport {
  readonly url: string;
  readonly passed: number;
  readonly failed: number;
  /** Checks that could not be judged (the handler was down or did not answer). */
  readonly skipped: number;
  readonly checks: readonly CheckResult[];
}

export interface CheckResult {
  readonly id: CheckId;
  readonly name: string;
  /** null: could not be judged (see why). */
  readonly ok: boolean | null;
  readonly expected: string;
  readonly got: { readonly status: number | null; readonly ms: number | null; readonly body: string | null };
  readonly why: string | null;
  readonly fix: string | null;
}
