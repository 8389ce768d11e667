import type { Transition } from "./types.js";

// Recall publishes the bot status diagram only as an image; these edges are rebuilt from the docs text
// (recall-webhooks.md §1.2). "documented" edges are stated in text; "inferred" ones were worked out.

const D = "documented" as const;
const I = "inferred" as const;

const DOCUMENTED: readonly Transition[] = [
  { from: "ready", to: "joining_call", basis: D },
  { from: "joining_call", to: "in_waiting_room", basis: D },
  { from: "joining_call", to: "in_call_not_recording", basis: D },
  { from: "joining_call", to: "fatal", basis: D },
  { from: "in_waiting_room", to: "in_call_not_recording", basis: D },
  { from: "in_waiting_room", to: "call_ended", basis: D },
  { from: "in_call_not_recording", to: "in_call_recording", basis: D },
  { from: "in_call_not_recording", to: "recording_permission_allowed", basis: D },
  { from: "in_call_not_recording", to: "recording_permission_denied", basis: D },
  { from: "in_call_not_recording", to: "call_ended", basis: D },
  { from: "recording_permission_denied", to: "call_ended", basis: D },
  { from: "in_call_recording", to: "call_ended", basis: D },
];

const INFERRED: readonly Transition[] = [
  { from: "in_waiting_room", to: "fatal", basis: I },
  { from: "recording_permission_allowed", to: "in_call_recording", basis: I },
  { from: "recording_permission_denied", to: "recording_permission_allowed", basis: I },
  // Pause, then resume (resume is the documented in_call_not_recording -> in_call_recording edge).
  { from: "in_call_recording", to: "in_call_not_recording", basis: I },
  // call_ended can follow any in-call state.
  { from: "recording_permission_allowed", to: "call_ended", basis: I },
  { from: "call_ended", to: "done", basis: I },
  // v1.10's recording_done sat "around" the end of the call; its exact place is an open question.
  { from: "call_ended", to: "recording_done", basis: I },
  { from: "recording_done", to: "done", basis: I },
  // The v1.10 codes exist; their order after done is inferred.
  { from: "done", to: "analysis_done", basis: I },
  { from: "done", to: "analysis_failed", basis: I },
  { from: "done", to: "media_expired", basis: I },
  { from: "analysis_done", to: "media_expired", basis: I },
  { from: "analysis_failed", to: "media_expired", basis: I },
];

/** Every known edge, documented first. `fatal` has no outgoing edge: it is terminal. */
export const TRANSITIONS: readonly Transition[] = [...DOCUMENTED, ...INFERRED];

const NEXT: ReadonlyMap<string, ReadonlySet<string>> = (() => {
  const out = new Map<string, Set<string>>();
  for (const t of TRANSITIONS) {
    if (!out.has(t.from)) out.set(t.from, new Set());
    if (!out.has(t.to)) out.set(t.to, new Set());
    out.get(t.from)?.add(t.to);
  }
  return out;
})();

/** Position in the partial order of a bot's life; codes at the same rank may alternate. */
const RANK: Readonly<Record<string, number>> = {
  ready: 0,
  joining_call: 1,
  in_waiting_room: 2,
  in_call_not_recording: 3,
  recording_permission_allowed: 3,
  recording_permission_denied: 3,
  in_call_recording: 3,
  call_ended: 4,
  recording_done: 5,
  done: 6,
  fatal: 6,
  analysis_done: 7,
  analysis_failed: 7,
  media_expired: 8,
};

const END: ReadonlySet<string> = new Set(["done", "fatal"]);
const TERMINAL: ReadonlySet<string> = new Set([...END, "analysis_done", "analysis_failed", "media_expired"]);

/** Every code the graph knows. */
export function lifecycleCodes(): string[] {
  return [...NEXT.keys()];
}

/** Whether `to` may directly follow `from`; null when either code is unknown to the graph. */
export function canFollow(from: string, to: string): boolean | null {
  const next = NEXT.get(from);
  if (next === undefined || !NEXT.has(to)) return null;
  return next.has(to);
}

/**
 * True once the bot's life is over: `done`, `fatal`, and the v1.10 codes that only follow `done`.
 * `done` can still be followed by analysis_done / analysis_failed / media_expired.
 */
export function isTerminal(code: string): boolean {
  return TERMINAL.has(code);
}

/** The code's rank (joining_call < in_waiting_room < in-call codes < call_ended < done/fatal), or null. */
export function statusRank(code: string): number | null {
  return Object.hasOwn(RANK, code) ? (RANK[code] ?? null) : null;
}

export interface StatusPoint {
  readonly code: string;
  /** As sent (data.data.updated_at); null or unparsable skips the time check. */
  readonly updatedAt: string | null | undefined;
  /** parseTimestamp(updatedAt), when the caller has it already (a timeline keeps it for each bot's latest). */
  readonly at?: number | null;
}

/**
 * Whether `next` arrived out of order after `previous` for the same bot: it is older by its timestamp,
 * or the graph forbids the step and it goes backwards (a regression, or anything but the v1.10
 * post-done codes after done/fatal). Codes unknown to the graph never count: Recall adds codes freely.
 */
export function isOutOfOrder(previous: StatusPoint, next: StatusPoint): boolean {
  const follows = canFollow(previous.code, next.code);
  if (follows === null) return false;
  const before = previous.at !== undefined ? previous.at : parseTimestamp(previous.updatedAt);
  const after = next.at !== undefined ? next.at : parseTimestamp(next.updatedAt);
  if (before !== null && after !== null && after < before) return true;
  if (follows) return false;
  const rankBefore = statusRank(previous.code);
  const rankAfter = statusRank(next.code);
  if (rankBefore === null || rankAfter === null) return false;
  return rankAfter < rankBefore || (END.has(previous.code) && previous.code !== next.code);
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Microseconds since the epoch for the timestamp forms Recall sends: `...Z`, `+00:00`, 0-9 fractional
 * digits, a space instead of `T`, no zone (read as UTC). Null when it is not a timestamp.
 */
export function parseTimestamp(value: string | null | undefined): number | null {
  if (typeof value !== "string") return null;
  const m = TIMESTAMP.exec(value.trim());
  if (m === null) return null;
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "", zone = "Z"] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(ms)) return null;
  const micros = Number((frac + "000000").slice(0, 6));
  return (ms - zoneOffsetMinutes(zone) * 60_000) * 1000 + micros;
}

function zoneOffsetMinutes(zone: string): number {
  if (zone === "Z" || zone === "z") return 0;
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || "0"));
}
