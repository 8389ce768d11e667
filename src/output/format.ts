// Small formatters shared by the renderers: times, durations, counts, widths. (No catalog here:
// importing this file must not build it, for the short commands' start-up; see ./columns.ts.)

/** `1 delivery`, `3 deliveries`: a count with its noun, singular or plural. */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : pluralForm}`;
}

/** HH:MM:SS in local time. */
export function clock(ms: number): string {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");
}

/** Milliseconds to one decimal, for JSON output (`latency_ms`). */
export function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** `3.2 ms`, `140 ms`, `12.5 s`. */
export function formatMs(ms: number): string {
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** `journal.jsonl: skipped 2 unreadable lines (lines 5, 9): ...`, for lines a reader skipped. */
export function describeSkipped(source: string, lines: readonly number[]): string {
  const shown = lines.slice(0, 5).join(", ");
  const more = lines.length > 5 ? ` and ${lines.length - 5} more` : "";
  return `${source}: skipped ${plural(lines.length, "unreadable line")} (${lines.length === 1 ? "line" : "lines"} ${shown}${more}): not JSON, or not a delivery, capture or journal record`;
}

/** Items joined with ", ", in lines of at most `width` characters (a longer item gets a line of its own). */
export function wrapList(items: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const item of items) {
    const next = line === "" ? item : `${line}, ${item}`;
    if (next.length > width && line !== "") {
      lines.push(`${line},`);
      line = item;
    } else line = next;
  }
  if (line !== "") lines.push(line);
  return lines;
}
