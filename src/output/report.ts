import { isoMs } from "../iso-time.js";
import { jsonNumber, jsonString } from "../json.js";
import type { DeliveryRecord, RunSummary } from "../simulate/report.js";
import { EVENT_COLUMN } from "./columns.js";
import { clock, formatMs, plural, roundMs } from "./format.js";
import { neutralize } from "./sanitize.js";
import type { Style } from "./style.js";

// The report of simulate and replay, shared: a line per request, a summary block, and their NDJSON.

/**
 * `14:02:03  bot.in_waiting_room           8c1f2a3b  204     3 ms  msg_...  duplicate`, then why on
 * failure; a `repeat` of an answer already shown says so instead of showing it again.
 */
export function renderDeliveryRecord(record: DeliveryRecord, hint: string | null, style: Style, repeat = false): string[] {
  const status = record.status === null
    ? style.red((record.error ?? "error").padEnd(3))
    : record.ok ? style.green(String(record.status)) : style.red(String(record.status));
  const marks = [
    record.duplicate ? style.yellow("duplicate") : "",
    record.attempt > 1 ? style.yellow(`attempt ${record.attempt}`) : "",
    record.willRetry ? style.dim("(will retry)") : "",
    repeat ? style.dim("same answer as above") : "",
  ].filter((m) => m !== "").join(" ");
  const who = record.bot === null ? record.lane : record.bot.slice(0, 8);
  const line = [
    style.dim(clock(record.sentAt)),
    neutralize(record.event).padEnd(EVENT_COLUMN),
    style.cyan(neutralize(who).padEnd(8)),
    status,
    formatMs(record.latencyMs).padStart(8),
    style.dim(neutralize(record.id)),
  ].join("  ");
  const out = [marks === "" ? line : `${line}  ${marks}`];
  if (!record.ok && !record.willRetry && !repeat) {
    if (record.errorMessage) out.push(`          ${style.red(neutralize(record.errorMessage))}`);
    if (record.responseBody) out.push(`          ${style.dim("body:")} ${neutralize(record.responseBody.slice(0, 300))}`);
    if (hint) out.push(`          ${style.yellow("hint:")} ${neutralize(hint)}`);
  }
  return out;
}

/** A failed answer and how many deliveries got it. */
export interface RepeatedAnswer {
  readonly record: DeliveryRecord;
  count: number;
}

/** One line per failed answer that came more than once: its body and hint were shown once. */
export function renderRepeatedAnswers(answers: readonly RepeatedAnswer[], style: Style): string[] {
  return answers.filter((a) => a.count > 1).map(({ record, count }) => {
    const what = record.status === null ? neutralize(record.errorMessage ?? record.error ?? "no answer") : `${record.status}`;
    const body = record.status !== null && record.responseBody !== "" ? ` "${neutralize(record.responseBody.slice(0, 60))}"` : "";
    return style.red(`${count} deliveries got the answer ${what}${body} (its body and hint are shown once, above)`);
  });
}

/** The summary block of a simulate or replay run, ending in one verdict line. */
export function renderRunSummary(summary: RunSummary, style: Style, what = "bots"): string[] {
  const count = (n: number, text: string): string => (n === 0 ? style.green(`0 ${text}`) : style.red(`${n} ${text}`));
  const extra = [
    summary.duplicates > 0 ? plural(summary.duplicates, "duplicate") : "",
    summary.retries > 0 ? plural(summary.retries, "retry", "retries") : "",
  ].filter((x) => x !== "").join(", ");
  const l = summary.latency;
  const lines = [
    "",
    style.bold("Summary"),
    `  deliveries   ${summary.deliveries} (${plural(summary.messages, "message")}${extra ? `, ${extra}` : ""})`,
    `  answers      ${count(summary.non2xx, "non-2xx")}, ${count(summary.errors, "errors")}`,
    `  latency      p50 ${formatMs(l.p50)}  p95 ${formatMs(l.p95)}  max ${formatMs(l.max)}`,
    `  over 15 s    ${summary.overLimit === 0 ? "0" : style.red(`${summary.overLimit} (Recall times these out and retries)`)}`,
    `  ${what.padEnd(11)}  ${summary.lanes - summary.failedLanes.length - summary.unsentLanes} ok, ${count(summary.failedLanes.length, "failed")}${summary.unsentLanes > 0 ? style.yellow(`, ${summary.unsentLanes} not sent`) : ""}${summary.interrupted ? style.yellow(" (interrupted: not all finished)") : ""}`,
  ];
  if (summary.failedLanes.length > 0) {
    const shown = summary.failedLanes.slice(0, 10).map(neutralize).join(", ");
    lines.push(`  failed       ${shown}${summary.failedLanes.length > 10 ? `, and ${summary.failedLanes.length - 10} more` : ""}`);
  }
  lines.push(verdict(summary, style));
  return lines;
}

function verdict(summary: RunSummary, style: Style): string {
  if (summary.interrupted) return style.yellow(`interrupted after ${plural(summary.deliveries, "delivery", "deliveries")}`);
  if (summary.ok) {
    const what = summary.deliveries === 1 ? "the delivery was" : `all ${summary.deliveries} deliveries were`;
    return style.green(`${what} answered 2xx in ${formatMs(summary.durationMs)}`);
  }
  return style.red(`${plural(summary.failed, "delivery", "deliveries")} failed: the endpoint answered non-2xx or not at all`);
}

/** One NDJSON record per request. */
export function deliveryJson(record: DeliveryRecord): Record<string, unknown> {
  return {
    type: "delivery",
    event: record.event,
    bot_id: record.bot,
    lane: record.lane,
    id: record.id,
    attempt: record.attempt,
    duplicate: record.duplicate,
    status: record.status,
    ok: record.ok,
    latency_ms: roundMs(record.latencyMs),
    error: record.errorMessage,
    will_retry: record.willRetry,
    timestamp: record.timestamp,
    sent_at: new Date(record.sentAt).toISOString(),
    ...(record.ok ? {} : { body: record.responseBody }),
  };
}

/**
 * deliveryJson(record) as one line of JSON text, byte for byte JSON.stringify's, written without the
 * object in between: simulate and replay print one per request (npm run bench).
 */
export function deliveryLine(record: DeliveryRecord): string {
  const q = jsonString;
  const n = jsonNumber;
  return `{"type":"delivery","event":${q(record.event)},"bot_id":${q(record.bot)},"lane":${q(record.lane)},"id":${q(record.id)}`
    + `,"attempt":${n(record.attempt)},"duplicate":${record.duplicate},"status":${n(record.status)},"ok":${record.ok}`
    + `,"latency_ms":${n(roundMs(record.latencyMs))},"error":${q(record.errorMessage)},"will_retry":${record.willRetry}`
    + `,"timestamp":${n(record.timestamp)},"sent_at":"${isoMs(record.sentAt)}"${record.ok ? "" : `,"body":${q(record.responseBody)}`}}`;
}

export function summaryJson(summary: RunSummary): Record<string, unknown> {
  return {
    type: "summary",
    ok: summary.ok,
    deliveries: summary.deliveries,
    messages: summary.messages,
    duplicates: summary.duplicates,
    retries: summary.retries,
    non_2xx: summary.non2xx,
    errors: summary.errors,
    failed: summary.failed,
    latency_ms: { p50: roundMs(summary.latency.p50), p95: roundMs(summary.latency.p95), max: roundMs(summary.latency.max) },
    over_15s: summary.overLimit,
    lanes: summary.lanes,
    unsent_lanes: summary.unsentLanes,
    failed_lanes: summary.failedLanes,
    duration_ms: Math.round(summary.durationMs),
    interrupted: summary.interrupted,
    stopped: summary.stopped,
  };
}
