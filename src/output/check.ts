import { groupBy } from "../group-by.js";
import type { CheckRun } from "../check/check.js";
import type { CheckRecord } from "../check/types.js";
import { formatMs, wrapList } from "./format.js";
import { neutralize } from "./sanitize.js";
import { PLAIN, type Style } from "./style.js";

// The scorecard of `check`, as lines: one aligned line per check (✓ passed, ✗ failed, – not judged),
// what was sent, what came back, why and fix under each failure, and a summary line.

export interface ScorecardOptions {
  /** A heading above the card (the embedded demo names each sample handler). */
  readonly title?: string;
}

const INDENT = "      ";

export function renderScorecard(run: CheckRun, style: Style = PLAIN, options: ScorecardOptions = {}): string[] {
  const lines: string[] = [];
  if (options.title !== undefined) lines.push(style.bold(options.title));
  lines.push(`${style.bold("recall-hooks check")} ${run.url}`);
  // Checks not sent because of an earlier answer are listed once per reason, after the others.
  const notSent = run.records.filter((r) => r.ok === null && r.sent === 0);
  const shown = run.records.filter((r) => !notSent.includes(r));
  const idWidth = Math.max(0, ...shown.map((r) => r.id.length));
  const nameWidth = Math.max(0, ...shown.map((r) => r.name.length));
  for (const record of shown) lines.push(...renderRecord(record, idWidth, nameWidth, style));
  for (const [why, group] of groupBy(notSent, (r) => r.why ?? "")) {
    const fix = group[0]?.fix;
    lines.push(`  ${style.dim("–")} ${group.length} ${group.length === 1 ? "check" : "checks"} ${style.dim(why)}`);
    for (const line of wrapList(group.map((r) => r.id), 96)) lines.push(`${INDENT}${style.dim(line)}`);
    if (fix) lines.push(`${INDENT}fix:  ${fix}`);
  }
  const first = run.records.find((r) => r.id === "accepts-valid");
  const rejected = first?.ok === false && first.got?.status != null && first.got.status >= 400 && first.got.status < 500;
  lines.push("", renderSummary(run, style));
  if (rejected) {
    lines.push(`${style.yellow("hint:")} a valid delivery was answered ${first.got!.status}: is --secret the handler's secret? Every check that needs a 2xx fails until it is.`);
  }
  return lines;
}

function renderRecord(record: CheckRecord, idWidth: number, nameWidth: number, style: Style): string[] {
  const mark = record.ok === true ? style.green("✓") : record.ok === false ? style.red("✗") : style.yellow("–");
  const id = record.ok === false ? style.red(record.id.padEnd(idWidth)) : record.id.padEnd(idWidth);
  const outcome = record.ok === false ? `${record.summary}, expected ${record.expected}` : record.summary;
  const lines = [`  ${mark} ${id}  ${record.name.padEnd(nameWidth)}  ${record.ok === true ? style.dim(outcome) : outcome}`];
  if (record.warning !== null) lines.push(`${INDENT}${style.yellow("warning:")} ${record.warning}`);
  if (record.ok === true) return lines;
  lines.push(`${INDENT}sent: ${record.sends}`);
  const body = record.got !== null && record.got.status !== null && record.got.body !== "" ? `  ${style.dim(clip(record.got.body))}` : "";
  if (record.got !== null) lines.push(`${INDENT}got:  ${gotText(record)}${body}`);
  if (record.why !== null) lines.push(`${INDENT}why:  ${record.why}`);
  if (record.fix !== null) lines.push(`${INDENT}fix:  ${record.fix}`);
  return lines;
}

function gotText(record: CheckRecord): string {
  const got = record.got!;
  if (got.status === null) return `no answer: ${got.message ?? got.error} (after ${formatMs(got.ms)})`;
  return `${got.status} in ${formatMs(got.ms)}`;
}

export function renderSummary(run: CheckRun, style: Style = PLAIN): string {
  const passed = run.records.filter((r) => r.ok === true).length;
  const failed = run.records.filter((r) => r.ok === false).length;
  const skipped = run.records.length - passed - failed;
  const time = `in ${formatMs(run.durationMs)}`;
  if (failed === 0 && skipped === 0) return style.green(`✓ all ${passed} checks passed ${time}`);
  const parts = [`${passed} passed`, failed > 0 ? style.red(`${failed} failed`) : `0 failed`];
  if (skipped > 0) parts.push(style.yellow(`${skipped} not judged`));
  return `${parts.join(", ")} ${time}`;
}

/** One line of an answer's body: control characters visible, at most 100 characters. */
function clip(body: string): string {
  const line = neutralize(body.trim());
  return line.length > 100 ? `${line.slice(0, 99)}…` : line;
}
