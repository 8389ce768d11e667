import type { DeliveryRecord, ForwardRecord } from "../deliveries/journal.js";
import type { ListenerEvent } from "../listen/listener.js";
import { eventRecordFields, listenerRecord } from "../output/listen.js";
import { parseDelivery } from "../recall/parse.js";
import type { ParsedEvent } from "../recall/types.js";
import { decodeBody } from "../deliveries/body-codec.js";
import { frameJson, socketJson } from "../output/realtime.js";

// The inspector's stream carries listen --json's records (design.md §3): one schema, so
// `curl -N <inspect_url>api/stream` shows what `listen --json` prints. Journal lines become those
// records here; the fields only the live listener knows (its answer) fall back to what it answers by default.

/** listen --json's `event` record for a journaled delivery; `outOfOrderAfter` comes from the inspector's own timeline. */
export function deliveryRecord(d: DeliveryRecord, parsed: ParsedEvent, outOfOrderAfter: string | null): Record<string, unknown> {
  return eventRecordFields({
    seq: d.seq, id: d.id, parsed, verified: d.verified, scheme: d.scheme, duplicate: d.duplicate, outOfOrderAfter, status: 204, path: d.path,
    receivedAt: d.received_at, forwardTo: d.forward_to,
  });
}

/** listen --json's `forward` record for a journaled forward attempt. */
export function forwardRecord(f: ForwardRecord): Record<string, unknown> {
  return {
    type: "forward", id: f.id, key: f.key, target: f.target, ok: f.ok, status: f.status, latency_ms: f.latency_ms, attempt: f.attempt,
    error: f.error, at: f.at,
  };
}

/** listen --json's record for a delivery the listener refused (not journaled). */
export function rejectedRecord(event: Extract<ListenerEvent, { type: "rejected" }>): Record<string, unknown> {
  return listenerRecord(event);
}

/** The parts of a record the summary ring does not keep (they are read again from the journal). */
export function withoutBody(record: Record<string, unknown>): Record<string, unknown> {
  const { headers: _h, body: _b, body_base64: _b64, ...rest } = record;
  return rest;
}

/** listen --json's `frame` record for a journaled WebSocket frame (raw media without its body, as listen prints it). */
export function frameStreamRecord(line: Record<string, unknown>): Record<string, unknown> {
  const data = decodeBody(line as { body?: string; body_base64?: string });
  return frameJson({
    connection: String(line["connection"] ?? ""), seq: Number(line["seq"] ?? 0), path: String(line["path"] ?? ""),
    receivedAt: Date.parse(String(line["received_at"])) || 0, binary: line["binary"] === true, data, parsed: parseDelivery(data),
  });
}

/** listen --json's `socket` record for a connection opened or closed (not journaled: kept in memory). */
export function socketRecord(event: Extract<ListenerEvent, { type: "socket" }>): Record<string, unknown> {
  return socketJson(event.change);
}
