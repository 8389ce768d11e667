import type { Row } from "./filter.js";

/** A delivery as the page keeps it: the stream record's summary (the body is fetched when opened). */
export interface Item {
  readonly cursor: string;
  readonly id: string | null;
  readonly event: string | null;
  readonly bot: string | null;
  readonly code: string | null;
  readonly sub: string | null;
  readonly knownSub: boolean;
  readonly verified: boolean | null;
  readonly scheme: string | null;
  readonly duplicate: boolean;
  readonly late: boolean;
  readonly lateAfter: string | null;
  readonly rejected: boolean;
  readonly status: number | null;
  readonly reason: string | null;
  readonly receivedMs: number;
  readonly updatedAt: string | null;
  readonly updatedMs: number | null;
  readonly forwardTo: readonly string[];
}

export interface Forward {
  readonly id: string | null;
  readonly target: string;
  readonly ok: boolean;
  readonly status: number | null;
  readonly attempt: number;
}

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);

/** data.data.updated_at (or the legacy data.status.created_at), read from the body as it streams by. */
function updatedAtOf(body: unknown): string | null {
  if (typeof body !== "string") return null;
  try {
    const v = JSON.parse(body) as { data?: { data?: { updated_at?: unknown }; status?: { created_at?: unknown } } };
    return str(v.data?.data?.updated_at) ?? str(v.data?.status?.created_at);
  } catch {
    return null;
  }
}

export function toItem(cursor: string, r: Record<string, unknown>): Item {
  const updatedAt = updatedAtOf(r["body"]);
  const updatedMs = updatedAt !== null ? Date.parse(updatedAt) : NaN;
  const status = typeof r["status"] === "number" ? r["status"] : null;
  return {
    cursor, id: str(r["id"]), event: str(r["event"]), bot: str(r["bot_id"]), code: str(r["code"]), sub: str(r["sub_code"]),
    knownSub: r["sub_code_description"] !== null && r["sub_code_description"] !== undefined,
    verified: typeof r["verified"] === "boolean" ? r["verified"] : null, scheme: str(r["scheme"]), duplicate: r["duplicate"] === true,
    late: r["out_of_order"] === true, lateAfter: str(r["out_of_order_after"]), rejected: typeof r["reason"] === "string", status,
    reason: str(r["reason"]), receivedMs: Date.parse(String(r["received_at"])) || Date.now(), updatedAt,
    updatedMs: Number.isNaN(updatedMs) ? null : updatedMs, forwardTo: Array.isArray(r["forward_to"]) ? (r["forward_to"] as string[]) : [],
  };
}

/** The state of an item's forwards: ok once any target took it, failed when the last attempt failed. */
export function forwardState(item: Item, forwards: readonly Forward[] | undefined): { state: string; status: number | null } {
  if (item.forwardTo.length === 0) return { state: "none", status: null };
  if (!forwards || forwards.length === 0) return { state: "pending", status: null };
  const last = forwards.at(-1)!;
  return { state: forwards.some((f) => f.ok) ? "ok" : "failed", status: last.status };
}

export function rowOf(item: Item, forwards: readonly Forward[] | undefined, pinned: boolean): Row {
  const f = forwardState(item, forwards);
  return {
    id: item.id, event: item.event, bot_id: item.bot, code: item.code, sub_code: item.sub, verified: item.verified, scheme: item.scheme,
    duplicate: item.duplicate, late: item.late, known_sub_code: item.knownSub, forward: f.state, forward_status: f.status, pinned,
  };
}
