import { h } from "./dom.js";

// Real-time traffic per bot, from the stream's `frame` and `socket` records (listen --json's): each
// connection with its frame counts per event (raw media is counted, never kept: its records carry no
// body), and the transcript as `Speaker: text`, the partial one updating in place. Bounded: the
// newest MAX_UTTERANCES per bot.

export interface Connection {
  readonly id: string;
  path: string;
  bot: string | null;
  state: "open" | "closed" | "forward_failed" | "seen";
  closeCode: number | null;
  /** The highest frame seq seen: the connection's frames so far, older ones included. */
  frames: number;
  /** Frames per event among those this page received. */
  readonly byEvent: Map<string, number>;
  bytes: number;
  verified: boolean | null;
}

export interface Utterance {
  readonly cursor: string;
  readonly speaker: string;
  readonly text: string;
}

export interface BotRealtime {
  readonly connections: Connection[];
  readonly transcript: Utterance[];
  /** The partial utterance being spoken, replaced by each transcript.partial_data and cleared by transcript.data. */
  partial: { speaker: string; text: string } | null;
  lastMs: number;
}

const MAX_UTTERANCES = 1000;
const connections = new Map<string, Connection>();
export const realtimeByBot = new Map<string, BotRealtime>();

function connectionOf(id: string): Connection {
  let c = connections.get(id);
  if (!c) {
    c = { id, path: "", bot: null, state: "seen", closeCode: null, frames: 0, byEvent: new Map(), bytes: 0, verified: null };
    connections.set(id, c);
  }
  return c;
}

function botOf(bot: string): BotRealtime {
  let b = realtimeByBot.get(bot);
  if (!b) {
    b = { connections: [], transcript: [], partial: null, lastMs: 0 };
    realtimeByBot.set(bot, b);
  }
  return b;
}

/** `Ada`, `words joined`, from a transcript body; null when it is not one. */
function spoken(body: unknown): { speaker: string; text: string } | null {
  if (typeof body !== "string") return null;
  try {
    const inner = (JSON.parse(body) as { data?: { data?: { participant?: { name?: unknown }; words?: unknown } } }).data?.data;
    if (!inner || !Array.isArray(inner.words)) return null;
    const text = inner.words.map((w: unknown) => (typeof (w as { text?: unknown })?.text === "string" ? (w as { text: string }).text : "")).join(" ").trim();
    const name = inner.participant?.name;
    return { speaker: typeof name === "string" && name !== "" ? name : "(someone)", text };
  } catch {
    return null;
  }
}

export function onSocketRecord(r: Record<string, unknown>): void {
  const c = connectionOf(String(r["connection"] ?? ""));
  c.path = String(r["path"] ?? c.path);
  if (r["state"] === "open") { c.state = "open"; c.verified = typeof r["verified"] === "boolean" ? r["verified"] : null; }
  if (r["state"] === "closed") {
    c.state = "closed";
    c.closeCode = typeof r["code"] === "number" ? r["code"] : null;
    if (typeof r["frames"] === "number") c.frames = Math.max(c.frames, r["frames"]);
  }
  if (r["state"] === "forward_failed") c.state = "forward_failed";
}

export function onFrameRecord(cursor: string, r: Record<string, unknown>): string | null {
  const c = connectionOf(String(r["connection"] ?? ""));
  const event = typeof r["event"] === "string" ? r["event"] : "(no event)";
  c.path = String(r["path"] ?? c.path);
  c.frames = Math.max(c.frames, Number(r["seq"] ?? 0));
  c.byEvent.set(event, (c.byEvent.get(event) ?? 0) + 1);
  c.bytes += Number(r["bytes"] ?? 0);
  const bot = typeof r["bot_id"] === "string" ? r["bot_id"] : c.bot;
  if (bot === null) return null;
  const b = botOf(bot);
  b.lastMs = Date.parse(String(r["received_at"])) || Date.now();
  if (c.bot === null) { c.bot = bot; b.connections.push(c); }
  if (event === "transcript.data" || event === "transcript.partial_data") {
    const said = spoken(r["body"]);
    if (said && event === "transcript.partial_data") b.partial = said;
    else if (said) {
      b.partial = null;
      b.transcript.push({ cursor, ...said });
      if (b.transcript.length > MAX_UTTERANCES) b.transcript.splice(0, b.transcript.length - MAX_UTTERANCES);
    }
  }
  return bot;
}

/** The bot's real-time lane: one chip per connection with its counts, then the transcript. */
export function realtimeLane(rt: BotRealtime): HTMLElement[] {
  const chips = rt.connections.map((c) => {
    const counts = [...c.byEvent.entries()].sort((a, b) => b[1] - a[1]).map(([e, n]) => h("span", { class: "count", "data-event": e }, `${e} ${n}`));
    const state = c.state === "closed" ? `closed${c.closeCode !== null ? ` (${c.closeCode})` : ""}` : c.state === "forward_failed" ? "relay failed" : c.state === "open" ? "open" : "from the journal";
    return h("div", { class: `conn ${c.state}`, "data-connection": c.id, title: `${c.path}${c.verified === true ? ", verified" : ""}; counts are of the frames this page received` },
      h("span", { class: "code" }, `${c.path.startsWith("http") ? "POST" : "WebSocket"} ${c.id.split(":").pop() ?? ""} ${c.path}`), h("span", { class: "state" }, state),
      h("span", { class: "frames" }, `${c.frames} frames · ${kb(c.bytes)}`), h("span", { class: "counts" }, counts));
  });
  const lines = rt.transcript.slice(-200).map((u) => h("p", { class: "utt", "data-cursor": u.cursor }, h("b", {}, `${u.speaker}:`), " ", u.text));
  if (rt.partial) lines.push(h("p", { class: "utt partial" }, h("b", {}, `${rt.partial.speaker}:`), " ", `${rt.partial.text}…`));
  const out = [h("div", { class: "track realtime", "aria-label": "real-time" }, chips)];
  if (lines.length > 0) {
    out.push(h("div", { class: "transcript", "aria-label": "live transcript", "aria-live": "polite" },
      rt.transcript.length > 200 ? h("p", { class: "hint" }, `${rt.transcript.length - 200} earlier utterances not drawn`) : null, lines));
  }
  return out;
}

function kb(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
