import { encodeBody, type EncodedParts, encodeParts, jsonList } from "../deliveries/journal.js";
import { jsonString } from "../json.js";
import type { Reporter } from "./reporter.js";
import { clock, roundMs } from "./format.js";
import { type ForwardOutcome, SAME_4XX_LIMIT } from "../listen/forwarder.js";
import type { AcceptedDelivery, ListenerEvent } from "../listen/listener.js";
import type { ListenSummary } from "../listen/stats.js";
import type { TunnelEvent } from "../listen/tunnel.js";
import { type DeliveryResult, hintFor } from "../webhook/deliver.js";
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

/**
 * The lines for any listener event. For a forward, `repeat` says how many times its answer (target,
 * status, body) has been printed, this one included (past the first, its body and hint are not
 * repeated), whether a stop for that answer was explained already, and whether a journal is kept.
 * `seen` keeps the raw media streams already announced.
 */
export function renderListenerEvent(event: ListenerEvent, style: Style, repeat: Partial<Repeat> = {}, seen = new Set<string>()): string[] {
  switch (event.type) {
    case "frame":
      return renderFrame(event.frame, style, seen);
    case "socket":
      return renderSocket(event.change, style);
    case "delivery":
      return [renderDelivery(event.delivery, style)];
    case "rejected":
      return [`${style.dim(clock(event.at))} ${style.red(`✗ ${event.status}`)}  ${neutralize(event.path)}  ${style.red(event.reason)}: ${neutralize(event.message)}${event.id ? `  ${style.dim(neutralize(event.id))}` : ""}`];
    case "forward":
      return renderForward(event.outcome, style, { seen: 1, stopExplained: false, journaled: true, ...repeat });
    case "resumed":
      return [style.yellow(`Resuming ${event.count} forward(s) still owed from ${event.journal}.`)];
    case "orphaned": {
      const what = `${event.count} forward${event.count === 1 ? "" : "s"} still owed to ${neutralize(event.target)} (no longer configured) in ${event.journal}`;
      return [style.yellow(event.resentTo !== null ? `${what}: resending to ${event.resentTo}.` : `${what}: pass --resend-owed-to <url> to send them to your app, or --forward-to ${neutralize(event.target)} to resume them.`)];
    }
    case "unrouted":
      return [style.yellow(`${event.event === null ? "Deliveries that are not Recall events match" : `${neutralize(event.event)} matches`} no --forward-to route: not forwarded (said once).`)];
  }
}

const INDENT = "         ";

export interface Repeat {
  readonly seen: number;
  readonly stopExplained: boolean;
  readonly journaled: boolean;
}

function renderForward(outcome: ForwardOutcome, style: Style, repeat: Repeat): string[] {
  const { result } = outcome;
  const lines = renderDeliveryResult({
    id: outcome.job.id ?? "(no id)", url: outcome.job.target, result, attempt: outcome.attempt, indent: INDENT,
    hint: result.ok ? null : forwardHint(result, outcome.job.target),
  }, style);
  if (!result.ok && repeat.seen > 1) {
    lines.length = 1;
    lines[0] += style.dim(`  same answer as before (${ordinal(repeat.seen)} time)`);
  }
  if (outcome.resigned) lines[0] += style.dim("  re-signed (fresh timestamp, same id)");
  if (outcome.retryInMs !== null) lines[0] += `  ${style.yellow(`retry ${outcome.attempt + 1} in ${formatDelay(outcome.retryInMs)}`)}`;
  if (outcome.gaveUp && repeat.stopExplained) lines[0] += `  ${style.yellow("stopped retrying (as above)")}`;
  else if (outcome.gaveUp) {
    const next = repeat.journaled ? "; the journal still owes it: the next listen with this journal sends it again (or replay --only-failed)" : "";
    lines.push(`${INDENT}    ${style.yellow(`stopped retrying: answered ${result.status} ${SAME_4XX_LIMIT} times in a row, and a 4xx will not fix itself. Fix the handler${next}`)}`);
  }
  return lines;
}

/**
 * The forward's hint. A forward is byte-identical and correctly signed, so a 400/401 from the
 * handler is most often its own verification of a re-serialised body.
 */
export function forwardHint(result: DeliveryResult, target: string): string | null {
  if (result.status === 400 || result.status === 401) {
    return `the forward is byte-identical and correctly signed: a handler that verifies JSON.stringify(its parsed body) instead of the raw bytes fails like this. Verify the raw bytes (express.raw(), request.body())${result.status === 401 ? ", with the same secret as listen" : ""}`;
  }
  return hintFor(result, target);
}

/** Which answers a failed forward printed, and how often: target, status (or error) and body. */
export class AnswerCounter {
  readonly #seen = new Map<string, { times: number; stopped: boolean }>();

  /** Counts this answer (seen is 1 the first time). Bounded: the oldest answers are forgotten. */
  count(outcome: ForwardOutcome): { seen: number; stopExplained: boolean } {
    if (outcome.result.ok) return { seen: 1, stopExplained: false };
    const key = `${outcome.job.target} ${outcome.result.status ?? outcome.result.error} ${outcome.result.body}`;
    const last = this.#seen.get(key) ?? { times: 0, stopped: false };
    this.#seen.delete(key);
    this.#seen.set(key, { times: last.times + 1, stopped: last.stopped || outcome.gaveUp });
    if (this.#seen.size > 1_000) this.#seen.delete(this.#seen.keys().next().value!);
    return { seen: last.times + 1, stopExplained: last.stopped };
  }
}

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : ["th", "st", "nd", "rd"][n % 10] ?? "th";
  return `${n}${suffix}`;
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
    // Without a journal nothing remembers a forward still owed: say it is lost, promise nothing.
    const owed = s.journal !== null ? `${s.forwardsOwed} still owed (retried on the next listen with this journal)` : `${s.forwardsOwed} not delivered (no journal: nothing will retry it)`;
    lines.push(`  forwards        ${s.forwardsOk} ok, ${s.forwardFailures} failed attempts${s.forwardsOwed ? `, ${style.yellow(owed)}` : ""}`);
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
export function listenerPrinter(reporter: Reporter, options: { readonly journaled?: boolean } = {}): (event: ListenerEvent) => void {
  const answers = new AnswerCounter();
  const seen = new Set<string>();
  return (event) => {
    const notice = event.type === "resumed" || event.type === "unrouted" || event.type === "orphaned";
    if (reporter.json) reporter.data(listenerLine(event));
    // Notices about the run are chatter (stderr); deliveries, rejections and forwards are the data.
    if (notice && (!reporter.json || event.type === "orphaned")) for (const line of renderListenerEvent(event, reporter.err)) reporter.info(line);
    else if (!reporter.json) {
      const repeat = event.type === "forward" ? { ...answers.count(event.outcome), journaled: options.journaled !== false } : {};
      for (const line of renderListenerEvent(event, reporter.out, repeat, seen)) reporter.data(line);
    }
  };
}

/** The NDJSON record for a listener event (design.md §3). */
/**
 * The `listen --json` record of an event as one line of JSON text: the same as
 * JSON.stringify(listenerRecord(event)), built for a delivery from the parts its journal line
 * also uses, so its headers and body are serialised once (npm run bench).
 */
export function listenerLine(event: ListenerEvent): string {
  if (event.type !== "delivery") return JSON.stringify(listenerRecord(event));
  return eventLine(event.delivery, encodeParts(event.delivery));
}

/** listen --json's `event` record of a delivery as JSON text, from its facts and its encoded parts (also the inspector's stream line). */
export function eventLine(d: Omit<EventFacts, "receivedAt">, e: EncodedParts): string {
  // Made once for a delivery when listen --json and the inspector say the same of it (they mostly do).
  const made = e.made;
  if (made !== null && made.of === d.seq && made.duplicate === d.duplicate && made.status === d.status && made.late === d.outOfOrderAfter) return made.line;
  const line = eventText(d, e);
  e.made = { of: d.seq, duplicate: d.duplicate, status: d.status, late: d.outOfOrderAfter, line };
  return line;
}

function eventText(d: Omit<EventFacts, "receivedAt">, e: EncodedParts): string {
  const p = d.parsed;
  return `{"type":"event","seq":${d.seq},"id":${jsonString(d.id)},"event":${jsonString(p.event)},"bot_id":${jsonString(p.botId)},"code":${jsonString(p.code)},`
    + `"sub_code":${jsonString(p.subCode)},"sub_code_description":${jsonString(p.subCodeDescription)},"known":${p.info !== null},"verified":${d.verified},`
    + `"scheme":${jsonString(d.scheme)},"duplicate":${d.duplicate},"out_of_order":${d.outOfOrderAfter !== null},"out_of_order_after":${jsonString(d.outOfOrderAfter)},`
    + `"status":${d.status},"path":${jsonString(d.path)},"received_at":"${e.receivedAt}","forward_to":${jsonList(d.forwardTo)},"headers":${e.headers},${e.body}}`;
}

/** What listen --json's `event` record says of a delivery, its headers and body aside. */
export type EventFacts = Pick<AcceptedDelivery, "seq" | "id" | "parsed" | "verified" | "duplicate" | "outOfOrderAfter" | "status" | "path" | "forwardTo"> & {
  /** A header family; a journal line's as written. */
  readonly scheme: string | null;
  readonly receivedAt: string;
};

/**
 * listen --json's `event` record but the delivery's bytes: the one schema of the listener's output and
 * the inspector's stream (which builds it from journal lines).
 */
export function eventRecordFields(d: EventFacts): Record<string, unknown> {
  const p = d.parsed;
  return {
    type: "event", seq: d.seq, id: d.id, event: p.event, bot_id: p.botId, code: p.code, sub_code: p.subCode, sub_code_description: p.subCodeDescription,
    known: p.info !== null, verified: d.verified, scheme: d.scheme, duplicate: d.duplicate, out_of_order: d.outOfOrderAfter !== null,
    out_of_order_after: d.outOfOrderAfter, status: d.status, path: d.path, received_at: d.receivedAt, forward_to: d.forwardTo,
  };
}

export function listenerRecord(event: ListenerEvent): Record<string, unknown> {
  switch (event.type) {
    case "delivery": {
      const d = event.delivery;
      // The exact delivery, so an event line can be verified, replayed or piped into jq.
      return { ...eventRecordFields({ ...d, receivedAt: new Date(d.receivedAt).toISOString() }), headers: d.headers, ...encodeBody(d.body) };
    }
    case "rejected":
      return { type: "event", id: event.id, verified: false, status: event.status, reason: event.reason, message: event.message, path: event.path, received_at: new Date(event.at).toISOString() };
    case "forward": {
      const { outcome } = event;
      return {
        type: "forward", id: outcome.job.id, key: outcome.job.key, target: outcome.job.target, ok: outcome.result.ok, status: outcome.result.status,
        latency_ms: roundMs(outcome.result.latencyMs), attempt: outcome.attempt, error: outcome.result.errorMessage,
        body: outcome.result.ok ? undefined : outcome.result.body, resigned: outcome.resigned, retry_in_ms: outcome.retryInMs, gave_up: outcome.gaveUp,
      };
    }
    case "resumed":
      return { type: "resumed", count: event.count, journal: event.journal };
    case "orphaned":
      return { type: "orphaned", count: event.count, target: event.target, journal: event.journal, resent_to: event.resentTo };
    case "unrouted":
      return { type: "unrouted", event: event.event };
    case "frame":
      return frameJson(event.frame);
    case "socket":
      return socketJson(event.change);
  }
}
