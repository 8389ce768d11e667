import { byId, copyText, getJson, h, replace } from "./dom.js";
import { matches, parseFilter, type Term } from "./filter.js";
import { type Detail, loadDetail, renderDetail, showDiff, toggleEditor } from "./detail.js";
import { type Graph, statusGraph } from "./graph.js";
import { lanes } from "./lanes.js";
import { onFrameRecord, onSocketRecord, realtimeByBot } from "./realtime.js";
import { type Forward, type Item, forwardState, rowOf, toItem } from "./state.js";

// The page: a list fed by the SSE stream (ids are journal positions, so EventSource's own
// reconnect with Last-Event-ID resumes exactly), a detail pane, bot lanes, and the keys.

const items: Item[] = [];
/** The page keeps this many deliveries (the journal keeps them all) and draws this many rows. */
const MAX_ITEMS = 5000;
const MAX_ROWS = 500;
const seen = new Set<string>();
const forwards = new Map<string, Forward[]>();
let terms: Term[] = [];
let visible: Item[] = [];
let selected: string | null = null;
let pinned: string | null = null;
let follow = true;
let unread = 0;
let view: "detail" | "bots" = "detail";
let current: Detail | null = null;
let targets: string[] = [];
let queued = false;
let graph: Graph | null = null;

const list = byId("list");
const detailPane = byId("detail");
const filterInput = byId("filter") as HTMLInputElement;
const live = byId("live");

function schedule(): void {
  if (queued) return;
  queued = true;
  // Records are applied once per frame (a burst of a thousand costs one render), with a floor when the tab is hidden.
  const run = (): void => { if (queued) { queued = false; render(); } };
  requestAnimationFrame(run);
  setTimeout(run, 500);
}

/** `1234` or `1234r2` as a number pair; the stream sends records in this order. */
function placeOf(cursor: string): [number, number] {
  const [pos, sub] = cursor.split("r");
  return [Number(pos), Number(sub ?? 0)];
}

let lastFrame: [number, number] = [-1, 0];

function onRecord(cursor: string, r: Record<string, unknown>): void {
  if (r["type"] === "frame") {
    // A meeting streams thousands of frames: a place, not a set of every cursor, keeps them from counting twice.
    const at = placeOf(cursor);
    if (at[0] < lastFrame[0] || (at[0] === lastFrame[0] && at[1] <= lastFrame[1])) return;
    lastFrame = at;
  } else if (seen.has(cursor)) return;
  else seen.add(cursor);
  if (r["type"] === "forward") {
    const id = String(r["id"] ?? r["key"]);
    const f: Forward = { id: r["id"] as string | null, target: String(r["target"]), ok: r["ok"] === true, status: (r["status"] as number | null) ?? null, attempt: Number(r["attempt"] ?? 1) };
    forwards.set(id, [...(forwards.get(id) ?? []), f]);
  } else if (r["type"] === "frame") {
    const bot = onFrameRecord(cursor, r);
    // Frames draw only the bots view; the list does not change.
    if (view !== "bots" || bot === null) return;
  } else if (r["type"] === "socket") {
    onSocketRecord(r);
    if (view !== "bots") return;
  } else if (r["type"] === "event") {
    items.push(toItem(cursor, r));
    if (items.length > MAX_ITEMS) items.splice(0, items.length - MAX_ITEMS);
    if (document.hidden || !follow) unread += 1;
    live.textContent = `${items.length} deliveries`;
  }
  schedule();
}

function render(): void {
  visible = items.filter((i) => matches(rowOf(i, forwards.get(i.id ?? ""), i.cursor === pinned), terms)).reverse();
  if (follow && visible.length > 0 && (selected === null || !visible.some((i) => i.cursor === selected))) select(visible[0]!.cursor, false);
  replace(list, visible.slice(0, MAX_ROWS).map(rowEl),
    visible.length > MAX_ROWS ? h("p", { class: "hint more" }, `${visible.length - MAX_ROWS} older rows not drawn: filter to narrow, or GET /api/deliveries?before=…`) : null);
  list.setAttribute("aria-activedescendant", selected ? `row-${selected}` : "");
  document.title = `${unread > 0 ? `(${unread}) ` : ""}recall-hooks inspector`;
  renderCounts();
  if (view === "bots") renderBots();
}

/** Short words for the list; the detail's checklist says the whole of it. */
const REASONS: Record<string, string> = {
  body_changed: "body changed", no_matching_signature: "bad signature", timestamp_too_old: "too old", timestamp_too_new: "in the future",
  missing_headers: "no headers", malformed_headers: "bad headers", bad_secret: "bad secret", journal_failed: "not stored",
};

function rowEl(item: Item): HTMLElement {
  const f = forwardState(item, forwards.get(item.id ?? ""));
  const verdict = item.rejected ? h("span", { class: "verdict bad", title: item.reason ?? "" }, `✗ ${REASONS[item.reason ?? ""] ?? item.reason ?? item.status ?? ""}`)
    : item.verified === true ? h("span", { class: "verdict ok" }, `✓ ${item.scheme ?? ""}`) : h("span", { class: "verdict warn" }, "? unverified");
  return h("div", {
    id: `row-${item.cursor}`, class: `row${item.cursor === selected ? " selected" : ""}`, role: "option", "aria-selected": String(item.cursor === selected),
    "data-cursor": item.cursor, "data-msg": item.id ?? "", "data-event": item.event ?? "", onclick: () => select(item.cursor, true),
  },
  h("span", { class: "time" }, new Date(item.receivedMs).toLocaleTimeString([], { hour12: false })),
  h("span", { class: "event" }, item.event ?? "(no event)"),
  h("span", { class: "bot" }, item.bot?.slice(0, 8) ?? ""),
  verdict,
  h("span", { class: `fwd ${f.state}` }, f.state === "none" ? "" : `→ ${f.status ?? f.state}`),
  h("span", { class: "badges" },
    item.duplicate ? h("span", { class: "badge dup" }, "dup") : null,
    item.late ? h("span", { class: "badge late" }, "late") : null,
    item.sub !== null && !item.knownSub ? h("span", { class: "badge unknown" }, "unknown sub code") : null,
    item.cursor === pinned ? h("span", { class: "badge pin" }, "pinned") : null));
}

function renderCounts(): void {
  const bad = items.filter((i) => i.rejected).length;
  const failed = items.filter((i) => forwardState(i, forwards.get(i.id ?? "")).state === "failed").length;
  replace(byId("counts"), `${items.length} deliveries · ${bad} refused · ${items.filter((i) => i.duplicate).length} dup · ${items.filter((i) => i.late).length} late · ${failed} forward failed`);
  byId("counts").title = "in this page's window (the journal keeps everything)";
  replace(byId("follow"), follow ? "● following" : `❚❚ paused${unread ? `, ${unread} new` : ""}`);
  byId("follow").title = follow ? "following the newest delivery: space pauses" : "paused: space follows the newest again";
}

function select(cursor: string, byUser: boolean): void {
  if (byUser) follow = visible[0]?.cursor === cursor;
  if (selected === cursor && current?.cursor === cursor) return;
  selected = cursor;
  for (const el of list.querySelectorAll(".row.selected")) { el.classList.remove("selected"); el.setAttribute("aria-selected", "false"); }
  const row = document.getElementById(`row-${cursor}`);
  row?.classList.add("selected");
  row?.setAttribute("aria-selected", "true");
  row?.scrollIntoView({ block: "nearest" });
  list.setAttribute("aria-activedescendant", `row-${cursor}`);
  if (view === "detail") void openDetail(cursor);
  else renderBots();
}

async function openDetail(cursor: string): Promise<void> {
  try {
    const d = await loadDetail(cursor);
    if (selected !== cursor || view !== "detail") return;
    current = d;
    replace(detailPane, renderDetail(d, { targets, pinned, say, select: (c) => select(c, true) }));
  } catch (error) {
    replace(detailPane, h("p", { class: "bad" }, (error as Error).message));
  }
}

function renderBots(): void {
  const bot = items.find((i) => i.cursor === selected)?.bot ?? realtimeByBot.keys().next().value ?? null;
  const path = items.filter((i) => i.bot === bot && bot !== null && !i.rejected && !i.duplicate && i.event?.startsWith("bot.") && i.code !== null)
    .sort((a, b) => (a.updatedMs ?? a.receivedMs) - (b.updatedMs ?? b.receivedMs)).map((i) => i.code!);
  replace(detailPane, h("h2", {}, "Bots"),
    graph && bot !== null ? h("section", { class: "card", "data-section": "graph" }, h("h3", {}, "Status graph ", h("code", { class: "plain" }, bot)), statusGraph(graph, path),
      h("p", { class: "graph-legend" }, "blue: the path this bot took, by updated_at · dashed: inferred edges (Recall publishes the diagram only as an image) · red: a step the graph does not have")) : null,
    lanes(items, realtimeByBot, bot, Date.now(), (item) => { view = "detail"; select(item.cursor, true); }));
}

function move(by: number): void {
  if (visible.length === 0) return;
  const at = visible.findIndex((i) => i.cursor === selected);
  const next = visible[Math.max(0, Math.min(visible.length - 1, (at === -1 ? 0 : at) + by))]!;
  select(next.cursor, true);
  renderCounts();
}

function say(text: string): void {
  replace(byId("toast"), text);
}

function keys(event: KeyboardEvent): void {
  const typing = event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement;
  if (event.key === "Escape") {
    if (typing) (event.target as HTMLElement).blur();
    byId("help").hidden = true;
    if (view === "bots") { view = "detail"; if (selected) void openDetail(selected); }
    list.focus();
    return;
  }
  if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
  const act: Record<string, () => void> = {
    j: () => move(1), ArrowDown: () => move(1), k: () => move(-1), ArrowUp: () => move(-1),
    Enter: () => { view = "detail"; if (selected) void openDetail(selected).then(() => (detailPane.querySelector(".tree .node") as HTMLElement | null)?.focus()); },
    "/": () => filterInput.focus(),
    r: () => document.getElementById("replay-same")?.click(),
    f: () => document.getElementById("reforward")?.click(),
    c: () => document.getElementById("copy-curl")?.click(),
    e: () => toggleEditor(),
    p: () => { pinned = pinned === selected ? null : selected; say(pinned ? "Pinned: d diffs against it." : "Unpinned."); render(); },
    b: () => { view = view === "bots" ? "detail" : "bots"; if (view === "bots") renderBots(); else if (selected) void openDetail(selected); },
    d: () => { if (current) void showDiff(current, { targets, pinned, say, select: (c) => select(c, true) }); },
    " ": () => { follow = !follow; if (follow) { unread = 0; if (visible[0]) select(visible[0].cursor, false); } render(); },
    "?": () => { byId("help").hidden = !byId("help").hidden; },
  };
  const run = act[event.key];
  if (run) {
    event.preventDefault();
    run();
  }
}

/** The last record's id: where a stream opened again resumes. */
let lastCursor: string | null = null;
let source: EventSource | null = null;
const REOPEN_MS = 3000;

function connect(): void {
  // EventSource reconnects by itself (with Last-Event-ID) after a dropped stream, but gives up for
  // good when the server answers anything but 200 (a restart, a proxy): then the page opens a new
  // one itself, after a pause, from the last record it has.
  const opened = new EventSource(lastCursor === null ? "/api/stream" : `/api/stream?after=${encodeURIComponent(lastCursor)}`);
  source = opened;
  const state = byId("conn");
  opened.onopen = () => { replace(state, "connected"); state.title = ""; };
  opened.onerror = () => {
    if (opened.readyState !== EventSource.CLOSED) return replace(state, "reconnecting…");
    replace(state, `stream refused: retrying in ${REOPEN_MS / 1000} s`);
    state.title = "the inspector's stream did not answer 200; the page opens it again from the last record it has";
    setTimeout(() => { if (source === opened) connect(); }, REOPEN_MS);
  };
  opened.onmessage = (m) => {
    if (m.lastEventId) lastCursor = m.lastEventId;
    try {
      onRecord(m.lastEventId, JSON.parse(m.data as string) as Record<string, unknown>);
    } catch {
      // A record the page cannot read is skipped; the journal still has it.
    }
  };
}

async function start(): Promise<void> {
  filterInput.addEventListener("input", () => { terms = parseFilter(filterInput.value); render(); });
  document.addEventListener("keydown", keys);
  document.addEventListener("visibilitychange", () => { if (!document.hidden && follow) { unread = 0; render(); } });
  byId("follow").addEventListener("click", () => keys(new KeyboardEvent("keydown", { key: " " })));
  byId("help-btn").addEventListener("click", () => { byId("help").hidden = !byId("help").hidden; });
  byId("copy-journal").addEventListener("click", () => void copyText(byId("journal").textContent ?? ""));
  const info = await getJson("/api/info");
  targets = (info["targets"] as string[] | undefined) ?? [];
  graph = (await getJson("/api/graph")) as unknown as Graph;
  replace(byId("journal"), String(info["journal"] ?? "").split("/").slice(-2).join("/"));
  byId("journal").title = String(info["journal"] ?? "");
  replace(byId("verify"), info["verifying"] ? `✓ ${String(info["secret"])}` : "not verifying: no secret");
  byId("verify").title = info["verifying"] ? "signatures are checked with this secret (masked; the page never receives it)" : "start with --secret to check signatures";
  window.addEventListener("pagehide", () => { source?.close(); source = null; });
  connect();
}

void start();
