import { decodeBody } from "../deliveries/journal.js";
import type { OwedForward } from "../deliveries/owed.js";
import { sortOwed } from "../deliveries/resume.js";
import type { Forwarder, ForwardRoute } from "./forwarder.js";
import type { ListenerEvent } from "./listener.js";

export interface ResumeParts {
  readonly owed: readonly OwedForward[];
  readonly routes: readonly ForwardRoute[];
  /** Where forwards owed to targets no longer configured go; null: they are only reported. */
  readonly resendTo: URL | null;
  readonly forwarder: Forwarder | null;
  readonly journal: string;
  readonly emit: (event: ListenerEvent) => void;
}

/**
 * Forwards an earlier run left owed (killed mid-retry, say) are sent again to targets still
 * configured. Those owed to a target no longer configured are said (one event per old target) and
 * sent to `resendTo` when given, settling the old target. Returns how many were sent again.
 */
export function resumeOwed(p: ResumeParts): number {
  const { resumable, orphaned } = sortOwed(p.owed, new Set(p.routes.map((r) => r.url.href)));
  if (resumable.length > 0 && p.forwarder) {
    p.emit({ type: "resumed", count: resumable.length, journal: p.journal });
    for (const item of resumable) send(p.forwarder, item, item.target);
  }
  let resent = 0;
  for (const [target, items] of orphaned) {
    const to = p.resendTo && p.forwarder ? p.resendTo.href : null;
    p.emit({ type: "orphaned", count: items.length, target, journal: p.journal, resentTo: to });
    if (to === null) continue;
    for (const item of items) send(p.forwarder!, item, to);
    resent += items.length;
  }
  return (p.forwarder ? resumable.length : 0) + resent;
}

function send(forwarder: Forwarder, { delivery, target, attempts }: OwedForward, to: string): void {
  const job = { key: delivery.key, id: delivery.id, target: to, headers: delivery.headers, body: decodeBody(delivery) };
  forwarder.enqueue(to === target ? job : { ...job, owedTo: target }, to === target ? attempts + 1 : 1);
}
