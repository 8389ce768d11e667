import { copyText, getJson, h, post, replace } from "./dom.js";
import { diff, jsonTree } from "./tree.js";

// The detail of one delivery: what it means, why it verified or not, its payload as a tree, its
// exact bytes, headers, forwards, attempts of the same message, a diff, and the actions.

export interface Detail {
  readonly cursor: string;
  readonly record: Record<string, unknown>;
  readonly headers?: Record<string, string | string[]>;
  readonly body?: string;
  readonly body_base64?: string;
  readonly size?: number;
  readonly json?: unknown;
  readonly notes?: { label: string; value: string; meaning: string }[];
  readonly checks?: { name: string; state: string; detail: string }[];
  readonly forwards?: Record<string, unknown>[];
  readonly attempts?: { cursor: string; received_at: string; duplicate: boolean; status: number | null; verified: boolean | null }[];
  readonly previous?: string | null;
}

export interface Context {
  readonly targets: readonly string[];
  readonly pinned: string | null;
  readonly say: (text: string) => void;
  readonly select: (cursor: string) => void;
}

export async function loadDetail(cursor: string): Promise<Detail> {
  return (await getJson(`/api/entries/${encodeURIComponent(cursor)}`)) as unknown as Detail;
}

const section = (title: string, ...body: (Node | null)[]): HTMLElement => h("section", { class: "card", "data-section": title.toLowerCase() }, h("h3", {}, title), ...body);

export function renderDetail(d: Detail, ctx: Context): HTMLElement {
  const r = d.record;
  const title = h("header", { class: "detail-head" },
    h("h2", {}, String(r["event"] ?? "(no event)"), r["reason"] ? h("span", { class: "refused" }, ` refused with ${String(r["status"])}: ${String(r["reason"]).replace(/_/g, " ")}`) : null),
    h("div", { class: "sub" }, `${String(r["id"] ?? "(no id)")} · received ${String(r["received_at"] ?? "")}${d.size !== undefined ? ` · ${d.size} bytes` : ""}`));
  if (d.headers === undefined) return h("div", {}, title, h("p", {}, "This record is not a delivery."));
  return h("div", {},
    title,
    actions(d, ctx),
    section("Summary", h("dl", {}, (d.notes ?? []).map((n) => [h("dt", {}, n.label), h("dd", {}, h("code", {}, n.value), " ", n.meaning)]),
      r["out_of_order"] === true ? [h("dt", {}, "order"), h("dd", { class: "bad" }, `late: arrived after ${String(r["out_of_order_after"])}`)] : null,
      r["duplicate"] === true ? [h("dt", {}, "duplicate"), h("dd", {}, "same message id seen before: forwarded once")] : null)),
    section("Verification", h("ol", { class: "checks" }, (d.checks ?? []).map((c) => h("li", { class: `check ${c.state}` }, h("span", { class: "mark" }, mark(c.state)), h("b", {}, c.name), " ", h("span", { class: "why" }, c.detail))))),
    section("Payload", d.json !== null && d.json !== undefined ? jsonTree(d.json) : h("p", {}, "Not JSON: see the raw bytes.")),
    section("Raw", h("pre", { class: "raw" }, d.body ?? "")),
    section("Headers", h("table", {}, h("tbody", {}, Object.entries(d.headers).map(([k, v]) => h("tr", {}, h("th", {}, k), h("td", {}, Array.isArray(v) ? v.join(", ") : v)))))),
    section("Forwards", forwards(d)),
    section("Attempts", attempts(d, ctx),
      h("p", { class: "hint" }, "Svix retries a non-2xx answer after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: Recall retries for about a day.")),
    h("section", { class: "card", id: "diff", "data-section": "diff" }, h("h3", {}, "Diff"), h("p", { class: "hint" }, "press d to compare with the pinned delivery or this bot's previous one")),
  );
}

/** Svix's wait before attempt n+1 (n from 1): 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
const SCHEDULE = ["5 s", "5 min", "30 min", "2 h", "5 h", "10 h", "10 h"];

function attempts(d: Detail, ctx: Context): Node {
  const list = d.attempts ?? [];
  return h("ol", { class: "attempts" }, list.map((a, i) => {
    const gap = i === 0 ? null : (Date.parse(a.received_at) - Date.parse(list[i - 1]!.received_at)) / 1000;
    return h("li", { class: a.cursor === d.cursor ? "this" : "" },
      h("a", { href: "#", onclick: (e: Event) => { e.preventDefault(); ctx.select(a.cursor); } }, `attempt ${i + 1}`),
      ` at ${a.received_at}`, gap === null ? "" : ` (+${formatGap(gap)}; Svix waits ${SCHEDULE[i - 1] ?? "10 h"})`,
      a.status !== null && a.status >= 400 ? h("span", { class: "bad" }, ` refused ${a.status}`) : null);
  }));
}

function formatGap(seconds: number): string {
  return seconds < 120 ? `${Math.round(seconds * 10) / 10} s` : seconds < 7200 ? `${Math.round(seconds / 60)} min` : `${(seconds / 3600).toFixed(1)} h`;
}

function mark(state: string): string {
  return state === "pass" ? "✓" : state === "fail" ? "✗" : state === "unknown" ? "?" : "·";
}

function forwards(d: Detail): Node {
  const list = d.forwards ?? [];
  if (list.length === 0) return h("p", { class: "hint" }, (d.record["forward_to"] as unknown[] | undefined)?.length ? "pending" : "not forwarded (no --forward-to)");
  return h("ol", {}, list.map((f) => h("li", { class: f["ok"] === true ? "ok" : "bad" }, `attempt ${String(f["attempt"])} → ${String(f["target"])}: ${f["status"] ?? "no answer"}${f["latency_ms"] !== undefined ? ` in ${String(f["latency_ms"])} ms` : ""}${f["error"] ? ` (${String(f["error"])})` : ""}`)));
}

export async function showDiff(d: Detail, ctx: Context): Promise<void> {
  const box = document.getElementById("diff");
  if (!box) return;
  const other = ctx.pinned !== null && ctx.pinned !== d.cursor ? ctx.pinned : d.previous ?? null;
  if (other === null) return replace(box, h("h3", {}, "Diff"), h("p", { class: "hint" }, "Nothing to compare: pin a delivery with p, or pick a bot with an earlier delivery."));
  const base = await loadDetail(other);
  const changes = diff(base.json ?? base.body, d.json ?? d.body);
  replace(box, h("h3", {}, `Diff against ${other === ctx.pinned ? "the pinned delivery" : "this bot's previous delivery"} (${String(base.record["event"] ?? "")})`),
    changes.length === 0 ? h("p", {}, "No differences.") : h("table", { class: "diff" }, h("tbody", {}, changes.map((c) => h("tr", { class: c.kind },
      h("td", {}, c.kind), h("td", {}, h("code", {}, c.path)), h("td", {}, c.before === undefined ? "" : JSON.stringify(c.before)), h("td", {}, c.after === undefined ? "" : JSON.stringify(c.after)))))));
  box.scrollIntoView({ block: "nearest" });
}

function actions(d: Detail, ctx: Context): HTMLElement {
  const target = h("input", { id: "target", type: "url", list: "targets", placeholder: "http://localhost:3000/webhooks/recall", value: ctx.targets[0] ?? "", "aria-label": "replay target" }) as HTMLInputElement;
  const confirmBox = h("input", { id: "confirm", type: "checkbox" }) as HTMLInputElement;
  const editor = h("textarea", { id: "editor", hidden: true, spellcheck: "false", "aria-label": "edited body" }) as HTMLTextAreaElement;
  editor.value = d.body ?? "";
  const result = h("output", { id: "result", "aria-live": "polite" });
  const run = async (mode: string): Promise<void> => {
    replace(result, "sending…");
    try {
      const r = await post("/api/replay", { cursor: d.cursor, mode, target: target.value, confirm: confirmBox.checked, ...(mode === "edited" && { body: editor.value }) });
      replace(result, h("span", { class: r["ok"] ? "ok" : "bad" }, `${mode.replace("_", " ")} → ${String(r["target"])}: ${r["status"] ?? "no answer"} in ${String(r["latency_ms"])} ms${r["modified"] ? " (modified)" : ""}${r["id"] ? ` · id ${String(r["id"])}` : ""}${r["hint"] ? ` · ${String(r["hint"])}` : ""}${r["error"] ? ` · ${String(r["error"])}` : ""}`));
    } catch (error) {
      replace(result, h("span", { class: "bad" }, (error as Error).message));
    }
  };
  const copy = async (what: "curl" | "replay"): Promise<void> => {
    try {
      const r = await post("/api/copy", { cursor: d.cursor, target: target.value });
      const text = String(r[what]);
      ctx.say((await copyText(text)) ? `Copied the ${what === "curl" ? "curl command" : "replay command"}.` : "Copy failed: select the text below.");
      replace(result, h("pre", { class: "copied" }, text));
    } catch (error) {
      replace(result, h("span", { class: "bad" }, (error as Error).message));
    }
  };
  const bot = d.record["bot_id"];
  return h("section", { class: "card actions", "data-section": "actions" },
    h("div", { class: "row" }, h("label", {}, "target ", target), h("label", { title: "needed for a URL that is not a configured target" }, confirmBox, " send to this URL")),
    h("datalist", { id: "targets" }, ctx.targets.map((t) => h("option", { value: t }))),
    h("div", { class: "row" },
      h("button", { type: "button", id: "replay-same", onclick: () => void run("same_id") }, "Replay (r)"),
      h("button", { type: "button", id: "replay-new", onclick: () => void run("new_id") }, "Replay, new id"),
      h("button", { type: "button", id: "reforward", onclick: () => void run("original") }, "Re-forward original (f)"),
      h("button", { type: "button", id: "edit", onclick: toggleEditor }, "Edit…"),
      h("button", { type: "button", id: "copy-curl", onclick: () => void copy("curl") }, "Copy curl (c)"),
      h("button", { type: "button", id: "copy-replay", onclick: () => void copy("replay") }, "Copy replay command"),
      h("button", { type: "button", id: "fixture", onclick: () => void post("/api/fixture", { cursor: d.cursor }).then((r) => ctx.say(`Saved ${String(r["path"])}`), (e: Error) => ctx.say(e.message)) }, "Save fixture"),
      typeof bot === "string" ? h("a", { class: "button", href: `/api/bots/${encodeURIComponent(bot)}/scenario`, download: `bot-${bot.slice(0, 8)}.scenario.json` }, "Export lifecycle") : null),
    editor,
    h("div", { class: "row", hidden: true }, h("button", { type: "button", id: "send-edited", onclick: () => void run("edited") }, "Send edited (re-signed, marked modified)")),
    result);
}

export function toggleEditor(): void {
  const editor = document.getElementById("editor");
  if (!editor) return;
  editor.hidden = !editor.hidden;
  const row = document.getElementById("send-edited")?.parentElement;
  if (row) row.hidden = editor.hidden;
}
