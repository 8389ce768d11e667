import type { DeliveryRecord, ForwardRecord } from "./journal.js";

/** One delivery still owed to one forward target. */
export interface OwedForward {
  readonly delivery: DeliveryRecord;
  readonly target: string;
  /** Attempts made so far (the highest attempt number journaled). */
  readonly attempts: number;
}

type Planned = { readonly key?: unknown; readonly id?: unknown; readonly forward_to?: unknown };
type Attempt = Pick<ForwardRecord, "target" | "ok" | "attempt"> & { readonly key?: unknown; readonly id?: unknown; readonly resent_from?: string | undefined };

/**
 * The one account of owed forwards, fed a journal's records in order: a delivery is owed to each
 * of its `forward_to` targets until a forward record shows an ok attempt to it (a forward resent
 * elsewhere with --resend-owed-to settles the target it was owed to). Only deliveries still owed
 * are kept, so a long journal costs time, not memory. The listener resumes from it; replay
 * --only-failed selects by it.
 */
export class OwedLedger {
  readonly #open = new Map<string, { delivery: DeliveryRecord | null; targets: Map<string, number> }>();

  /** A delivery (or a capture with `forward_to`); `record` is kept when it can be forwarded again. */
  planned(value: Planned, record: DeliveryRecord | null): void {
    const key = ledgerKey(value);
    const targets = targetsOf(value);
    if (key === null || targets.length === 0) return;
    this.#open.set(key, { delivery: record, targets: new Map(targets.map((t) => [t, 0])) });
  }

  /** A forward attempt: an ok one settles its target; a failed one counts. */
  attempted(forward: Attempt): void {
    const key = ledgerKey(forward);
    const entry = key === null ? undefined : this.#open.get(key);
    const target = forward.resent_from ?? forward.target;
    if (!entry || !entry.targets.has(target)) return;
    if (forward.ok) entry.targets.delete(target);
    else entry.targets.set(target, Math.max(entry.targets.get(target)!, forward.attempt));
    if (entry.targets.size === 0) this.#open.delete(key!);
  }

  /** The targets of this delivery that no ok attempt has reached. */
  owedTo(value: Planned): string[] {
    const key = ledgerKey(value);
    const entry = key === null ? undefined : this.#open.get(key);
    return entry ? [...entry.targets.keys()] : [];
  }

  /** Every forward still owed, in journal order, for deliveries that can be forwarded again. */
  owed(): OwedForward[] {
    return [...this.#open.values()].flatMap(({ delivery, targets }) => (delivery ? [...targets].map(([target, attempts]) => ({ delivery, target, attempts })) : []));
  }
}

/** Forward records and deliveries are matched by the journal's key, or the message id in files without keys. */
function ledgerKey(value: { readonly key?: unknown; readonly id?: unknown }): string | null {
  if (typeof value.key === "string") return value.key;
  return typeof value.id === "string" ? value.id : null;
}

function targetsOf(value: Planned): string[] {
  return Array.isArray(value.forward_to) ? value.forward_to.filter((t): t is string => typeof t === "string") : [];
}
