import { readCapture } from "../deliveries/journal-read.js";
import { parseDelivery } from "../recall/parse.js";
import type { Signer } from "../webhook/sign.js";
import { catalogNotes, verificationChecklist } from "./explain.js";
import type { Source } from "./actions.js";
import type { Entry, JournalStore } from "./store.js";

export interface DetailOptions {
  readonly signer: Signer | null;
  readonly toleranceSeconds: number;
}

/** The request behind an entry: from the journal, or kept in memory for a refused one. */
export async function sourceOf(store: JournalStore, entry: Entry): Promise<Source | null> {
  if (entry.kept) return { id: (entry.record["id"] as string | null) ?? null, headers: entry.kept.headers, body: entry.kept.body };
  const line = await store.line(entry);
  if (line === null || line["type"] !== "delivery") return null;
  return { id: (line["id"] as string | null) ?? null, ...readCapture(line) };
}

/** Everything the detail view shows of one delivery. */
export async function detailOf(store: JournalStore, entry: Entry, o: DetailOptions): Promise<Record<string, unknown>> {
  const record = entry.record;
  const source = await sourceOf(store, entry);
  if (source === null) return { cursor: entry.cursor, record };
  const parsed = parseDelivery(source.body);
  const receivedAt = Date.parse(String(record["received_at"] ?? "")) || Date.now();
  const ring = store.entries();
  const key = entry.sub === 0 ? ((await store.line(entry))?.["key"] ?? null) : null;
  const botId = record["bot_id"];
  let previous: string | null = null;
  for (const e of ring) {
    if (e === entry) break;
    if (e.record["type"] === "event" && botId != null && e.record["bot_id"] === botId && e.record["status"] !== 401) previous = e.cursor;
  }
  return {
    cursor: entry.cursor, record, key,
    headers: source.headers,
    body: source.body.toString("utf8"),
    body_base64: source.body.toString("base64"),
    size: source.body.length,
    json: parsed.kind === "text" ? null : (parsed.json ?? null),
    updated_at: parsed.updatedAt,
    notes: catalogNotes(parsed),
    checks: verificationChecklist({ headers: source.headers, body: source.body, signer: o.signer, toleranceSeconds: o.toleranceSeconds, receivedAt }),
    forwards: key === null ? [] : ring.filter((e) => e.record["type"] === "forward" && e.record["key"] === key).map((e) => e.record),
    attempts: record["id"] == null ? [] : ring.filter((e) => e.record["type"] === "event" && e.record["id"] === record["id"]).map((e) => ({ cursor: e.cursor, received_at: e.record["received_at"], duplicate: e.record["duplicate"] ?? false, status: e.record["status"], verified: e.record["verified"] })),
    previous,
  };
}
