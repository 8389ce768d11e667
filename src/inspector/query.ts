import { isTerminal, parseTimestamp } from "../recall/lifecycle.js";
import type { Entry } from "./store.js";
import { matches, parseFilter, type Row } from "./ui/filter.js";

// The JSON API beside the page (scripts, agents, tests): the window's deliveries filtered with the
// page's own filter language, and each bot's state and flags.

/** Forward state per message id: ok once any attempt succeeded, else the last attempt's status. */
function forwardsById(entries: readonly Entry[]): Map<string, { ok: boolean; status: number | null }> {
  const out = new Map<string, { ok: boolean; status: number | null }>();
  for (const e of entries) {
    if (e.record["type"] !== "forward") continue;
    const id = String(e.record["id"] ?? e.record["key"]);
    const ok = e.record["ok"] === true || out.get(id)?.ok === true;
    out.set(id, { ok, status: (e.record["status"] as number | null) ?? null });
  }
  return out;
}

function rowOf(e: Entry, forwards: Map<string, { ok: boolean; status: number | null }>): Row {
  const r = e.record;
  const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
  const targets = Array.isArray(r["forward_to"]) ? r["forward_to"].length : 0;
  const f = forwards.get(String(r["id"]));
  return {
    id: str(r["id"]), event: str(r["event"]), bot_id: str(r["bot_id"]), code: str(r["code"]), sub_code: str(r["sub_code"]),
    verified: typeof r["verified"] === "boolean" ? r["verified"] : null, scheme: str(r["scheme"]), duplicate: r["duplicate"] === true,
    late: r["out_of_order"] === true, known_sub_code: r["sub_code_description"] != null, pinned: false,
    forward: targets === 0 ? "none" : f === undefined ? "pending" : f.ok ? "ok" : "failed", forward_status: f?.status ?? null,
  };
}

export interface ListQuery {
  readonly q: string;
  readonly limit: number;
  /** Only records before this cursor's place (paging back). */
  readonly before: { pos: number; sub: number } | null;
}

/** Deliveries, newest first, as `{cursor, ...listen --json record}` without headers and body. */
export function listDeliveries(entries: readonly Entry[], query: ListQuery): Record<string, unknown>[] {
  const terms = parseFilter(query.q);
  const forwards = forwardsById(entries);
  const out: Record<string, unknown>[] = [];
  for (let i = entries.length - 1; i >= 0 && out.length < query.limit; i -= 1) {
    const e = entries[i]!;
    if (e.record["type"] !== "event") continue;
    if (query.before && !(e.pos < query.before.pos || (e.pos === query.before.pos && e.sub < query.before.sub))) continue;
    if (matches(rowOf(e, forwards), terms)) out.push({ cursor: e.cursor, ...e.record });
  }
  return out;
}

/** Each bot of the window: its statuses by updated_at, last state, and the flags the page shows. */
export function listBots(entries: readonly Entry[]): Record<string, unknown>[] {
  const bots = new Map<string, Entry[]>();
  for (const e of entries) {
    const bot = e.record["bot_id"];
    if (e.record["type"] !== "event" || typeof bot !== "string" || e.sub !== 0) continue;
    bots.set(bot, [...(bots.get(bot) ?? []), e]);
  }
  return [...bots.entries()].map(([bot, list]) => {
    const statuses = list.filter((e) => String(e.record["event"] ?? "").startsWith("bot.") && e.record["duplicate"] !== true && typeof e.record["code"] === "string");
    const at = (e: Entry): number => parseTimestamp(e.updatedAt) ?? Date.parse(String(e.record["received_at"])) * 1000;
    const path = statuses.slice().sort((a, b) => at(a) - at(b)).map((e) => String(e.record["code"]));
    const last = path.at(-1) ?? null;
    return {
      bot_id: bot, deliveries: list.length, path, state: last, terminal: last !== null && isTerminal(last),
      late: statuses.filter((e) => e.record["out_of_order"] === true).map((e) => e.cursor),
      unknown_sub_codes: [...new Set(statuses.filter((e) => e.record["sub_code"] != null && e.record["sub_code_description"] == null).map((e) => String(e.record["sub_code"])))],
      last_received_at: list.at(-1)!.record["received_at"],
    };
  });
}
