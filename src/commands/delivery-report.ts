import { deliveryLine, renderDeliveryRecord, renderRepeatedAnswers, renderRunSummary, type RepeatedAnswer, summaryJson } from "../output/report.js";
import type { Reporter, Spinner } from "../output/reporter.js";
import type { DeliveryRecord, RunSummary } from "../simulate/report.js";
import { hintFor } from "../webhook/deliver.js";
import type { CommandContext } from "./context.js";

/** The report of simulate and replay as it is printed: a line (or record) per request, then the summary. */
export interface ReportPrinter {
  readonly onDelivery: (record: DeliveryRecord) => void;
  /** Prints the summary; returns the exit code. */
  finish(summary: RunSummary): number;
}

export interface ReportPrinterOptions {
  readonly url: string;
  /** Requests expected, for the progress display. */
  readonly total?: number;
  /** What a lane is called in the summary: "bots", "inputs". */
  readonly lanes: string;
  /** A line per request, or only for failures (when something else shows the deliveries). Default all. */
  readonly lines?: "all" | "failures";
}

/** Above this many requests a terminal gets a spinner and only the failures, not a line each. */
const LONG_RUN = 25;

export async function startReportPrinter(reporter: Reporter, ctx: CommandContext, options: ReportPrinterOptions): Promise<ReportPrinter> {
  const long = !reporter.json && (options.total ?? 0) > LONG_RUN && ctx.stderr.isTTY === true;
  const spinner: Spinner | null = long ? await reporter.spinner(`sending ${options.total} deliveries to ${options.url}`) : null;
  // Lines on a terminal would tear the spinner: keep the failures for after it.
  const held: DeliveryRecord[] = [];
  const holdLines = spinner !== null && ctx.stdout.isTTY === true;
  let sent = 0;
  let failed = 0;
  reporter.startBatching();
  // A broken endpoint gives every delivery the same answer: its body and hint once, then a count.
  const answers = new Map<string, RepeatedAnswer>();
  const print = (record: DeliveryRecord): void => {
    const hint = record.ok ? null : hintFor(record, options.url);
    let repeat = false;
    if (!record.ok && !record.willRetry) {
      const key = JSON.stringify([record.status, record.error, record.errorMessage, record.responseBody.slice(0, 300), hint]);
      const seen = answers.get(key);
      repeat = seen !== undefined;
      if (seen) seen.count += 1;
      else answers.set(key, { record, count: 1 });
    }
    for (const line of renderDeliveryRecord(record, hint, reporter.out, repeat)) reporter.data(line);
  };
  return {
    onDelivery(record) {
      sent += 1;
      if (!record.ok && !record.willRetry) failed += 1;
      if (reporter.json) reporter.data(deliveryLine(record));
      else if (options.lines === "failures" && (record.ok || record.willRetry)) { /* shown by the caller */ }
      else if (!holdLines) print(record);
      else if (!record.ok && !record.willRetry) held.push(record);
      spinner?.update(`${sent}/${options.total} sent to ${options.url}${failed > 0 ? `, ${failed} failed` : ""}`);
    },
    finish(summary) {
      reporter.stopBatching();
      spinner?.stop();
      for (const record of held) print(record);
      if (reporter.json) reporter.record(summaryJson(summary));
      else {
        for (const line of renderRepeatedAnswers([...answers.values()], reporter.out)) reporter.data(line);
        for (const line of renderRunSummary(summary, reporter.out, options.lanes)) reporter.data(line);
      }
      if (summary.stopped === "refused") {
        reporter.warn(`Stopped after the first ${options.lanes === "bots" ? "bot" : "lane"}: nothing is listening at ${options.url} (connection refused). Start your app, or pass --keep-going to send every lifecycle anyway.`);
      }
      return summary.interrupted ? 130 : summary.ok ? 0 : 1;
    },
  };
}

/** An AbortSignal that fires on Ctrl-C, for runs that stop cleanly and still report. */
export function interruptSignal(ctx: CommandContext): AbortSignal {
  const controller = new AbortController();
  void ctx.interruption().then(() => controller.abort());
  return controller.signal;
}
