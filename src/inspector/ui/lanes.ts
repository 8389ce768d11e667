import { h } from "./dom.js";
import { type BotRealtime, realtimeLane } from "./realtime.js";
import type { Item } from "./state.js";

// One lane per bot: its statuses ordered by updated_at (when Recall says they happened), each with
// its arrival number, so a late one stands out; flags for out-of-order, unknown sub codes and a bot
// with no terminal state yet. Artefacts (recording.*, transcript.*, ...) get a lane of their own,
// and real-time traffic (WebSocket frames) another, with the live transcript.

const TERMINAL = new Set(["done", "fatal"]);

export function lanes(items: readonly Item[], realtime: ReadonlyMap<string, BotRealtime>, selectedBot: string | null, now: number, onPick: (item: Item) => void): HTMLElement {
  const bots = new Map<string, Item[]>();
  for (const bot of realtime.keys()) bots.set(bot, []);
  for (const item of items) {
    if (item.bot === null || item.rejected) continue;
    const list = bots.get(item.bot) ?? [];
    list.push(item);
    bots.set(item.bot, list);
  }
  const latest = (bot: string, list: Item[]): number => Math.max(list.at(-1)?.receivedMs ?? 0, realtime.get(bot)?.lastMs ?? 0);
  const ordered = [...bots.entries()].sort((a, b) => (a[0] === selectedBot ? -1 : b[0] === selectedBot ? 1 : latest(b[0], b[1]) - latest(a[0], a[1])));
  if (ordered.length === 0) return h("p", { class: "empty" }, "No bot deliveries yet.");
  return h("div", { class: "lanes" }, ordered.map(([bot, list]) => lane(bot, list, realtime.get(bot) ?? null, bot === selectedBot, now, onPick)));
}

function lane(bot: string, list: Item[], rt: BotRealtime | null, selected: boolean, now: number, onPick: (item: Item) => void): HTMLElement {
  const statuses = list.filter((i) => i.event?.startsWith("bot.") && !i.duplicate);
  const artefacts = list.filter((i) => !i.event?.startsWith("bot."));
  const arrival = new Map(statuses.map((s, n) => [s, n + 1]));
  const byTime = statuses.slice().sort((a, b) => (a.updatedMs ?? a.receivedMs) - (b.updatedMs ?? b.receivedMs));
  const last = byTime.at(-1);
  const flags: HTMLElement[] = [];
  if (statuses.some((s) => s.late)) flags.push(h("span", { class: "flag flag-late" }, "late: arrived out of order"));
  if (statuses.some((s) => s.sub !== null && !s.knownSub)) flags.push(h("span", { class: "flag flag-unknown" }, "sub code not in catalog"));
  if (last && !TERMINAL.has(last.code ?? "")) {
    const minutes = Math.round((now - last.receivedMs) / 60_000);
    flags.push(h("span", { class: "flag flag-stuck" }, `no terminal state yet: in ${last.code ?? "?"}${minutes > 0 ? ` for ${minutes} min` : ""}`));
  }
  const chip = (item: Item): HTMLElement => h("button", {
    type: "button", class: `chip${item.late ? " late" : ""}${TERMINAL.has(item.code ?? "") ? ` end ${item.code}` : ""}`, "data-code": item.code ?? item.event ?? "",
    title: `${item.event ?? ""}${item.sub ? ` (${item.sub})` : ""}, updated ${item.updatedAt ?? "?"}, arrived ${new Date(item.receivedMs).toISOString()}`,
    onclick: () => onPick(item),
  }, h("span", { class: "code" }, item.code ?? item.event ?? "?"), item.sub ? h("span", { class: "sub" }, item.sub) : null,
  h("span", { class: "tick" }, `#${arrival.get(item) ?? "-"}${item.late ? " late" : ""}`));
  return h("section", { class: `lane${selected ? " selected" : ""}`, "data-bot": bot },
    h("header", {}, h("span", { class: "bot" }, bot), h("span", { class: "flags" }, flags)),
    h("div", { class: "track", "aria-label": "statuses by updated_at" }, byTime.map((item, i) => [i > 0 ? h("span", { class: "edge" }, "→") : null, chip(item)])),
    artefacts.length ? h("div", { class: "track artefacts", "aria-label": "artefacts" }, artefacts.map(chip)) : null,
    rt ? realtimeLane(rt) : null);
}
