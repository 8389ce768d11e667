import { encodeBody } from "../deliveries/journal.js";
import type { Reporter } from "./reporter.js";
import { clock, roundMs } from "./format.js";
import type { AcceptedDelivery, ListenerEvent } from "../listen/listener.js";
import type { ListenSummary } from "../listen/stats.js";
import type { TunnelEvent } from "../listen/tunnel.js";
import { hintFor } from "../webhook/deliver.js";
import { renderDeliveryResult } from "./delivery.js";
import { neutralize } from "./sanitize.js";
import type { Style } from "./style.js";
import { frameJson, realtimeText, renderFrame, renderSocket, socketJson } from "./realtime.js";

/** `14:02:11 --> bot.fatal  8ef3d462  meeting_not_found: No meeting was found...  ✓ webhook-*  msg_...` */
export function renderDelivery(d: AcceptedDelivery, style: Style): string {
  const p = d.parsed;
  const event = p.event !== null ? neutralize(p.event) : p.kind === "text" ? "(not JSON)" : "(no event)";
  const bot = p.botId !== null ? neutralize(p.botId.slice(0, 8)) : "-".padEnd(8);
  // A real-time webhook's transcript or participant event reads as what was said or done.
  const spoken = p.info?.channel === "realtime" ? realtimeText(p, style) : null;
  const parts = [style.dim(clock(d.receivedAt)), style.dim("-->"), spoken ?? style.bold(event.padEnd(32)), style.dim(bot)];
  if (p.info === null && p.event !== null) parts.push(style.yellow("(unknown event)"));
  if (p.kind !== "json") parts.push(style.dim(preview(d.body)));
  if (p.code !== null && p.subCode !== null) {
    const meaning = p.subCodeDescription ? `: ${p.subCodeDescription}` : style.yellow(" (unknown sub code)");
    parts.push(`${style.cyan(neutralize(p.subCode))}${meaning}`);
  } else if (p.code !== null && p.info?.code !== p.code) {
    parts.push(style.cyan(neutralize(p.code)));
  }
  parts.push(d.verified === true ? style.green(`✓ ${d.scheme}-*`) : style.yellow(`? unverified${d.scheme ? ` ${d.scheme}-*` : ""}`));
  if (d.duplicate) parts.push(style.magenta("duplicate"));
  if (d.outOfOrderAfter !== null) parts.push(style.magenta(`out of order (after ${d.outOfOrderAfter})`));
  if (d.status >= 300) parts.push(style.red(`answered ${d.status}`));
  parts.push(style.dim(neutralize(d.id ?? "(no id)")));
  return parts.join("  ");
}

/** The lines for any listener event; `seen` keeps the raw media streams already announced. */
export function renderListenerEvent(event: ListenerEvent, style: Style, seen = new Set<string>()): string[] {
  switch (event.type) {
    case "frame":
      return renderFrame(event.frame, style, seen);
    case "socket":
      return renderSocket(event.change, style);
    case "delivery":
      return [renderDelivery(event.delivery, style)];
    case "rejected":
      return [`${style.dim(clock(event.at))} ${style.red(`✗ ${event.status}`)}  ${neutralize(event.path)}  ${style.red(event.reason)}: ${neutralize(event.message)}${event.id ? `  ${style.dim(neutralize(event.id))}` : ""}`];
    case "forward": {
      const { outcome } = event;
      const lines = renderDeliveryResult({
        id: outcome.job.id ?? "(no id)", url: outcome.job.target, result: outcome.result, attempt: outcome.attempt, indent: "         ",
        hint: outcome.result.ok ? null : hintFor(outcome.result, outcome.job.target),
      }, style);
      // The body and hint of a failure are shown once; later retries are one line each.
      if (outcome.attempt > 1 && !outcome.result.ok) lines.length = 1;
      if (outcome.resigned) lines[0] += style.dim("  re-signed (fresh timestamp, same id)");
      if (outcome.retryInMs !== null) lines[0] += `  ${style.yellow(`retry ${outcome.attempt + 1} in ${formatDelay(outcome.retryInMs)}`)}`;
      return lines;
    }
    case "resumed":
      return [style.yellow(`Resuming ${event.count} forward(s) still owed from ${event.journal}.`)];
  }
}

export function renderTunnel(event: TunnelEvent, style: Style): string {
  switch (event.state) {
    case "connecting": return style.dim("Opening the ngrok tunnel...");
    case "connected": return `${style.green("Tunnel up:")} ${event.url}`;
    case "reconnecting": return style.yellow(`Tunnel lost (${event.error}); reconnecting. Local deliveries still work.`);
    case "closed": return style.dim("Tunnel closed.");
    case "failed": return `${style.yellow("Tunnel failed:")} ${event.error}${event.retryInMs !== null ? ` (retrying in ${formatDelay(event.retryInMs)})` : ""}`;
  }
}

export function renderSummary(s: ListenSummary, style: Style): string[] {
  const lines = [style.bold("Summary"), `  deliveries      ${s.deliveries}${s.unverified ? `  (${s.unverified} unverified)` : ""}${s.duplicates ? `  (${s.duplicates} duplicate)` : ""}${s.outOfOrder ? `  (${s.outOfOrder} out of order)` : ""}`];
  for (const [event, count] of Object.entries(s.byEvent).sort((a, b) => b[1] - a[1])) lines.push(`    ${neutralize(event).padEnd(34)} ${count}`);
  if (s.rejected) lines.push(`  rejected        ${s.rejected}  (${Object.entries(s.rejectedByReason).map(([r, n]) => `${r} ${n}`).join(", ")})`);
  if (s.forwardsOk || s.forwardFailures || s.forwardsOwed) {
    lines.push(`  forwards        ${s.forwardsOk} ok, ${s.forwardFailures} failed attempts${s.forwardsOwed ? `, ${style.yellow(`${s.forwardsOwed} still owed (retried on the next listen with this journal)`)}` : ""}`);
  }
  lines.push(`  journal         ${s.journal ?? "off (--no-save)"}`);
  return lines;
}

/** The start of a body that is not a Recall event, as text on one line. */
function preview(body: Buffer): string {
  if (body.length === 0) return "(empty body)";
  const text = neutralize(body.subarray(0, 120).toString("utf8"));
  return JSON.stringify(body.length > 120 ? `${text.slice(0, 100)}…` : text);
}

export function formatDelay(ms: number): string {
  return ms < 1000 ? `${ms} ms` : ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;
}

/** Prints listener events through a reporter: NDJSON records, or lines for people. */
export function listenerPrinter(reporter: Reporter): (event: ListenerEvent) => void {
  const seen = new Set<string>();
  return (event) => {
    if (reporter.json) reporter.record(listenerRecord(event));
    else for (const line of renderListenerEvent(event, reporter.out, seen)) reporter.data(line);
  };
}

/** The NDJSON record for a listener event (design.md §3). */
export function listenerRecord(event: ListenerEvent): Record<string, unknown> {
  switch (event.type) {
    case "delivery": {
      const d = event.delivery;
      const p = d.parsed;
      return {
        type: "event", seq: d.seq, id: d.id, event: p.event, bot_id: p.botId, code: p.code, sub_code: p.subCode, sub_code_description: p.subCodeDescription,
        known: p.info !== null, verified: d.verified, scheme: d.scheme, duplicate: d.duplicate, out_of_order: d.outOfOrderAfter !== null,
        out_of_order_after: d.outOfOrderAfter, status: d.status, path: d.path, received_at: new Date(d.receivedAt).toISOString(), forward_to: d.forwardTo,
        // The exact delivery, so an event line can be verified, replayed or piped into jq.
        headers: d.headers, ...encodeBody(d.body),
      };
    }
    case "rejected":
      return { type: "event", id: event.id, verified: false, status: event.status, reason: event.reason, message: event.message, path: event.path, received_at: new Date(event.at).toISOString() };
    case "forward": {
      const { outcome } = event;
      return {
        type: "forward", id: outcome.job.id, key: outcome.job.key, target: outcome.job.target, ok: outcome.result.ok, status: outcome.result.status,
        latency_ms: roundMs(outcome.result.latencyMs), attempt: outcome.attempt, error: outcome.result.errorMessage,
        body: outcome.result.ok ? undefined : outcome.result.body, resigned: outcome.resigned, retry_in_ms: outcome.retryInMs,
      };
    }
    case "resumed":
      return { type: "resumed", count: event.count, journal: event.journal };
    case "frame":
      return frameJson(event.frame);
    case "socket":
      return socketJson(event.change);
  }
}
