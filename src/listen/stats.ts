import type { ForwardOutcome } from "./forwarder.js";

export interface ListenSummary {
  readonly deliveries: number;
  readonly byEvent: Readonly<Record<string, number>>;
  readonly rejected: number;
  readonly rejectedByReason: Readonly<Record<string, number>>;
  readonly unverified: number;
  readonly duplicates: number;
  readonly outOfOrder: number;
  readonly forwardsOk: number;
  readonly forwardFailures: number;
  /** Forwards still owed when the listener stopped; they are in the journal for the next run. */
  readonly forwardsOwed: number;
  readonly journal: string | null;
}

const MAX_KEYS = 200;

/** Counters for the summary. Event names are bounded so a flood of odd names cannot grow memory. */
export class ListenStats {
  readonly #journal: string | null;
  #deliveries = 0;
  #rejected = 0;
  #unverified = 0;
  #duplicates = 0;
  #outOfOrder = 0;
  #forwardsOk = 0;
  #forwardFailures = 0;
  readonly #byEvent = new Map<string, number>();
  readonly #byReason = new Map<string, number>();

  constructor(journal: string | null) {
    this.#journal = journal;
  }

  countDelivery(d: { parsed: { event: string | null }; verified: boolean | null; duplicate: boolean; outOfOrderAfter: string | null; receivedAt: number }, reported: boolean): void {
    this.#deliveries += 1;
    if (d.verified === null) this.#unverified += 1;
    if (d.duplicate) this.#duplicates += 1;
    if (d.outOfOrderAfter !== null) this.#outOfOrder += 1;
    if (reported) bump(this.#byEvent, d.parsed.event ?? "(not a Recall event)");
  }

  countRejected(reason: string): void {
    this.#rejected += 1;
    bump(this.#byReason, reason);
  }

  countForward(outcome: ForwardOutcome): void {
    if (outcome.result.ok) this.#forwardsOk += 1;
    else this.#forwardFailures += 1;
  }

  summary(forwardsOwed: number): ListenSummary {
    return {
      deliveries: this.#deliveries,
      byEvent: Object.fromEntries(this.#byEvent),
      rejected: this.#rejected,
      rejectedByReason: Object.fromEntries(this.#byReason),
      unverified: this.#unverified,
      duplicates: this.#duplicates,
      outOfOrder: this.#outOfOrder,
      forwardsOk: this.#forwardsOk,
      forwardFailures: this.#forwardFailures,
      forwardsOwed,
      journal: this.#journal,
    };
  }
}

function bump(map: Map<string, number>, key: string): void {
  const current = map.get(key);
  if (current !== undefined) map.set(key, current + 1);
  else if (map.size < MAX_KEYS) map.set(key, 1);
  else map.set("(other)", (map.get("(other)") ?? 0) + 1);
}
