import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { decodeBody, type DeliveryRecord, type ForwardRecord, type JournalRecord } from "./journal.js";

/** Every record of a journal, in order; lines that are not records (a torn last line) are skipped. */
export async function* readJournal(path: string): AsyncGenerator<JournalRecord> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (line === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue;
    }
    const type = (value as { type?: unknown } | null)?.type;
    if (type === "delivery" || type === "forward") yield value as JournalRecord;
  }
}

export interface JournalState {
  readonly deliveries: DeliveryRecord[];
  /** The latest forward record for each `<key> <target>`. */
  readonly lastForward: Map<string, ForwardRecord>;
}

/** Reads a whole journal into deliveries and the last forward attempt of each. */
export async function loadJournal(path: string): Promise<JournalState> {
  const deliveries: DeliveryRecord[] = [];
  const lastForward = new Map<string, ForwardRecord>();
  for await (const record of readJournal(path)) {
    if (record.type === "delivery") deliveries.push(record);
    else lastForward.set(`${record.key} ${record.target}`, record);
  }
  return { deliveries, lastForward };
}

/** Deliveries owed to a target: planned for it and never forwarded to it with success. */
export function pendingForwards(state: JournalState): { delivery: DeliveryRecord; target: string; attempts: number }[] {
  const out: { delivery: DeliveryRecord; target: string; attempts: number }[] = [];
  for (const delivery of state.deliveries) {
    for (const target of delivery.forward_to ?? []) {
      const last = state.lastForward.get(`${delivery.key} ${target}`);
      if (!last?.ok) out.push({ delivery, target, attempts: last?.attempt ?? 0 });
    }
  }
  return out;
}

/** Deliveries whose forward failed or never happened (no ok attempt to some target). */
export function failedDeliveries(state: JournalState): DeliveryRecord[] {
  return state.deliveries.filter((d) => (d.forward_to ?? []).some((t) => state.lastForward.get(`${d.key} ${t}`)?.ok !== true));
}

export { decodeBody };
