import { type Appended, encodeParts, type JournaledDelivery } from "../deliveries/journal.js";
import { eventLine, eventRecordFields } from "../output/listen.js";
import type { ParsedEvent } from "../recall/types.js";
import { cursorOf, type Entry } from "./store.js";

/**
 * A line the listener in this process just journaled, as the inspector's entry and stream line, made
 * from what the listener already has (listen --inspect): the delivery it parsed and the headers and
 * body it serialised once for the journal line. Reading the line back from the file, parsing it and
 * the body again and serialising the record anew cost the listener about a third of its throughput
 * with one page attached (npm run bench). The result is the same as reading the line (store.ts toEntry),
 * with the out-of-order mark `listen --json` printed: the listener's, made in journal order
 * (listen/pipeline.ts), rather than one from a second timeline of the store's own (which also knows
 * the journal's earlier runs; a bot that spans a restart of `listen` is marked by what this run saw).
 */

/** What the pipeline appends a delivery line with (listen/listener.ts AcceptedDelivery). */
type DeliverySource = Omit<JournaledDelivery, "key" | "parsed"> & { readonly parsed: ParsedEvent; readonly outOfOrderAfter: string | null };

export function isDeliverySource(source: object | undefined): source is DeliverySource {
  return source !== undefined && "parsed" in source && "outOfOrderAfter" in source && "body" in source && Buffer.isBuffer((source as { body: unknown }).body);
}

/** A journaled delivery's entry: listen --json's record as a journal reader makes it (status 204). */
export function deliveryEntry(a: Appended, d: DeliverySource): { entry: Entry; line: string } {
  const parts = encodeParts(d);
  const facts = {
    seq: d.seq, id: d.id, parsed: d.parsed, verified: d.verified, scheme: d.scheme, duplicate: d.duplicate, outOfOrderAfter: d.outOfOrderAfter,
    status: 204, path: d.path, forwardTo: d.forwardTo, receivedAt: parts.receivedAt,
  };
  const record = eventRecordFields(facts);
  const entry: Entry = { cursor: cursorOf(a.end, 0), pos: a.end, sub: 0, start: a.start, record, updatedAt: d.parsed.updatedAt };
  return { entry, line: eventLine(facts, parts) };
}
