import type { ApiRecord, EmulatorDelivery } from "../emulate/emulator.js";
import { EVENT_COLUMN } from "./columns.js";
import { clock, formatMs, roundMs } from "./format.js";
import { neutralize } from "./sanitize.js";
import type { Style } from "./style.js";

// What `emulate` prints: the ready banner, and a line (or NDJSON record) per API request, status change
// and webhook request.

export interface Ready {
  readonly url: string;
  readonly apiKey: string;
  /** The key as it may be shown: whole when generated here, masked when the user gave it. */
  readonly apiKeyShown: string;
  readonly secretShown: string;
  readonly webhookTo: readonly string[];
  readonly events: readonly string[];
  readonly speed: number;
  readonly scenario: string;
  readonly state: string | null;
}

export function renderReady(r: Ready, s: Style): string[] {
  const pace = r.speed === 0 ? "0 (as fast as your app answers)" : `${r.speed} (Recall's timings divided by ${r.speed})`;
  return [
    `${s.bold("recall-hooks emulate")}: a local Recall API at ${s.cyan(r.url)}`,
    `  base URL     ${s.cyan(r.url)}   ${s.dim("use it instead of https://<region>.recall.ai")}`,
    `  API key      ${r.apiKeyShown}   ${s.dim("send: Authorization: Token <key>")}`,
    `  secret       ${r.secretShown}   ${s.dim("verify the webhooks with it")}`,
    `  webhooks     ${r.webhookTo.length > 0 ? r.webhookTo.join(", ") : s.yellow("none: pass --webhook-to <your endpoint>")}${r.events.length > 0 ? ` (${r.events.join(", ")})` : ""}`,
    `  speed        ${pace}`,
    `  scenario     ${r.scenario}   ${s.dim("per bot: metadata recall_hooks_scenario, or ?recall_hooks_scenario= in meeting_url")}`,
    `  state        ${r.state ?? s.dim("in memory (--state <file> keeps bots across restarts)")}`,
    `  Node apps that hard-code Recall's URL: NODE_OPTIONS="--import recall-hooks/redirect" RECALL_HOOKS_EMULATOR=${r.url}`,
    s.dim("Ctrl-C to stop."),
  ];
}

export function readyJson(r: Ready): Record<string, unknown> {
  return { type: "ready", url: r.url, api_key: r.apiKey, secret: r.secretShown, webhook_to: r.webhookTo, events: r.events, speed: r.speed, scenario: r.scenario, state: r.state };
}

export function apiLine(r: ApiRecord, at: number, s: Style): string {
  const status = r.status >= 400 ? s.red(String(r.status)) : s.green(String(r.status));
  const line = `${s.dim(clock(at))}  api  ${r.method.padEnd(6)} ${neutralize(r.path)}  ${status}  ${formatMs(r.ms)}`;
  return r.warning === undefined ? line : `${line}\n          ${s.yellow("warning:")} ${neutralize(r.warning)}`;
}

export function apiJson(r: ApiRecord): Record<string, unknown> {
  return { type: "api", method: r.method, path: r.path, status: r.status, ms: r.ms, ...(r.warning !== undefined && { warning: r.warning }) };
}

export interface BotChange {
  readonly id: string;
  readonly code: string;
  readonly subCode: string | null;
  readonly createdAt: string;
}

export function botLine(c: BotChange, at: number, s: Style): string {
  return `${s.dim(clock(at))}  bot  ${c.id.slice(0, 8)}  ${s.bold(c.code)}${c.subCode ? ` ${s.dim(c.subCode)}` : ""}`;
}

export function botJson(c: BotChange): Record<string, unknown> {
  return { type: "bot", bot_id: c.id, code: c.code, sub_code: c.subCode, created_at: c.createdAt };
}

export function deliveryLine(d: EmulatorDelivery, s: Style): string {
  const status = d.status === null ? s.red(d.error ?? "error") : d.ok ? s.green(String(d.status)) : s.red(String(d.status));
  const extra = `${d.attempt > 1 ? s.dim(` attempt ${d.attempt}`) : ""}${d.duplicate ? s.dim(" duplicate") : ""}`;
  return `${s.dim(clock(d.sentAt))}  -->  ${d.event.padEnd(EVENT_COLUMN)} ${(d.bot ?? "").slice(0, 8)}  ${status}  ${formatMs(d.latencyMs)}  ${neutralize(d.url)}${extra}`;
}

export function deliveryJson(d: EmulatorDelivery): Record<string, unknown> {
  return {
    type: "delivery", event: d.event, id: d.id, bot_id: d.bot, url: d.url, attempt: d.attempt, duplicate: d.duplicate, status: d.status, ok: d.ok,
    latency_ms: roundMs(d.latencyMs), error: d.errorMessage, will_retry: d.willRetry, sent_at: new Date(d.sentAt).toISOString(),
  };
}
