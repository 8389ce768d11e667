import { stat } from "node:fs/promises";
import type { DeliveryRecord } from "./journal.js";
import { readJournal } from "./journal-read.js";

export interface JournalScan {
  /** Message ids of the deliveries journaled, oldest first (the caller keeps as many as it wants). */
  readonly ids: string[];
  /** Deliveries still owed to a target: planned for it, never answered 2xx by it. */
  readonly owed: { readonly delivery: DeliveryRecord; readonly target: string; readonly attempts: number }[];
}

/**
 * One streaming pass over an earlier run's journal: the ids it saw (so a retry that arrives after
 * a restart is still a duplicate) and the forwards it still owed. Only owed deliveries are kept in
 * memory, so a long journal costs time, not memory.
 */
export async function scanJournal(path: string, keepIds: number): Promise<JournalScan> {
  const exists = await stat(path).then((s) => s.size > 0, () => false);
  if (!exists) return { ids: [], owed: [] };
  const ids: string[] = [];
  const open = new Map<string, { delivery: DeliveryRecord; targets: Map<string, number> }>();
  for await (const record of readJournal(path)) {
    if (record.type === "delivery") {
      if (record.id !== null) {
        ids.push(record.id);
        if (ids.length > keepIds * 2) ids.splice(0, ids.length - keepIds);
      }
      if ((record.forward_to ?? []).length > 0) open.set(record.key, { delivery: record, targets: new Map(record.forward_to.map((t) => [t, 0])) });
      continue;
    }
    const entry = open.get(record.key);
    if (!entry || !entry.targets.has(record.target)) continue;
    if (record.ok) entry.targets.delete(record.target);
    else entry.targets.set(record.target, Math.max(entry.targets.get(record.target)!, record.attempt));
    if (entry.targets.size === 0) open.delete(record.key);
  }
  const owed = [...open.values()].flatMap(({ delivery, targets }) => [...targets].map(([target, attempts]) => ({ delivery, target, attempts })));
  return { ids: ids.slice(-keepIds), owed };
}
