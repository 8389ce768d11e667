import { stat } from "node:fs/promises";
import { readJournal } from "./journal-read.js";
import { type OwedForward, OwedLedger } from "./owed.js";

export interface JournalScan {
  /** Message ids of the deliveries journaled, oldest first (the caller keeps as many as it wants). */
  readonly ids: string[];
  /** Deliveries still owed to a target: planned for it, never answered 2xx by it. */
  readonly owed: OwedForward[];
}

/**
 * One streaming pass over an earlier run's journal: the ids it saw (so a retry that arrives after
 * a restart is still a duplicate) and the forwards it still owed (OwedLedger, the one account of
 * them). Only owed deliveries are kept in memory.
 */
export async function scanJournal(path: string, keepIds: number): Promise<JournalScan> {
  const exists = await stat(path).then((s) => s.size > 0, () => false);
  if (!exists) return { ids: [], owed: [] };
  const ids: string[] = [];
  const ledger = new OwedLedger();
  for await (const record of readJournal(path)) {
    if (record.type === "forward") {
      ledger.attempted(record);
      continue;
    }
    ledger.planned(record, record);
    if (record.id !== null) {
      ids.push(record.id);
      if (ids.length > keepIds * 2) ids.splice(0, ids.length - keepIds);
    }
  }
  return { ids: ids.slice(-keepIds), owed: ledger.owed() };
}

/** Owed forwards split by whether their target is still configured; the rest grouped by old target. */
export function sortOwed(owed: readonly OwedForward[], configured: ReadonlySet<string>): { resumable: OwedForward[]; orphaned: Map<string, OwedForward[]> } {
  const resumable: OwedForward[] = [];
  const orphaned = new Map<string, OwedForward[]>();
  for (const item of owed) {
    if (configured.has(item.target)) resumable.push(item);
    else if (orphaned.has(item.target)) orphaned.get(item.target)!.push(item);
    else orphaned.set(item.target, [item]);
  }
  return { resumable, orphaned };
}
