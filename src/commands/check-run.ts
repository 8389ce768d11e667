import { type CheckOptions, type CheckRun, runCheck, selectChecks, toReport, unknownCheckIds } from "../check/check.js";
import { CHECK_IDS, type CheckRecord } from "../check/types.js";
import { UsageError } from "../errors.js";
import { renderScorecard } from "../output/check.js";
import type { Reporter } from "../output/reporter.js";
import { generateSecret } from "../webhook/secret.js";
import { type CommandContext, reporterFor } from "./context.js";
import { interruptSignal } from "./delivery-report.js";
import { parseUrl, requireSecret } from "./options.js";

export interface CheckCommandOptions {
  to?: string;
  secret?: string;
  only?: string[];
  skip?: string[];
  headers: "webhook" | "svix" | "both";
  /** Milliseconds. */
  timeout: number;
  json?: boolean;
}

export async function runCheckCommand(options: CheckCommandOptions, ctx: CommandContext): Promise<number> {
  const reporter = await reporterFor(ctx, options.json === true);
  const only = splitIds(options.only, "--only");
  const skip = splitIds(options.skip, "--skip");
  if (selectChecks(only, skip).length === 0) throw new UsageError("--only and --skip leave no check to run: drop one of them.");
  const signal = interruptSignal(ctx);
  const base = { only, skip, headers: options.headers, timeoutMs: options.timeout, signal };
  if (options.to === undefined) return runDemo(options, base, reporter);
  const url = parseUrl(options.to, "--to");
  const secret = requireSecret(options.secret, (w) => reporter.warn(w));
  const { createDispatcher } = await import("../webhook/deliver.js");
  const dispatcher = await createDispatcher(ctx.env, { connections: 64 });
  try {
    const run = await withProgress(reporter, (onCheck) => runCheck({ ...base, to: url, secret, dispatcher, onCheck }));
    print(reporter, run);
    if (signal.aborted) return 130;
    return run.records.every((r) => r.ok === true) ? 0 : 1;
  } finally {
    await dispatcher.destroy();
  }
}

/** No --to: the series against a correct and a naive handler in this process, on 127.0.0.1. */
async function runDemo(options: CheckCommandOptions, base: Omit<CheckOptions, "to" | "secret">, reporter: Reporter): Promise<number> {
  const secret = options.secret !== undefined ? requireSecret(options.secret, (w) => reporter.warn(w)).value : generateSecret();
  const { startSampleHandlers } = await import("../check/sample-handlers.js");
  const handlers = await startSampleHandlers(secret);
  try {
    if (!reporter.json) reporter.info("No --to: checking two sample handlers in this process, a correct one and a naive one. Pass --to <url> --secret whsec_... to check yours.");
    const correct = await withProgress(reporter, (onCheck) => runCheck({ ...base, to: handlers.correct, secret, onCheck }));
    const naive = await withProgress(reporter, (onCheck) => runCheck({ ...base, to: handlers.naive, secret, onCheck }));
    print(reporter, correct, "Sample handler 1: correct (verifies the raw body with svix's rules, answers 204 at once)");
    if (!reporter.json) reporter.data("");
    print(reporter, naive, "Sample handler 2: naive (verifies a re-serialised body, accepts unsigned deliveries, answers 500 to codes it does not know)");
    if (base.signal?.aborted) return 130;
    // The naive handler's failures are the demo; the correct one failing would be ours.
    return correct.records.every((r) => r.ok === true) ? 0 : 1;
  } finally {
    await handlers.close();
  }
}

function print(reporter: Reporter, run: CheckRun, title?: string): void {
  if (reporter.json) {
    reporter.record(toReport(run));
    return;
  }
  for (const line of renderScorecard(run, reporter.out, title === undefined ? {} : { title })) reporter.data(line);
}

/** A spinner on stderr (terminals only) naming the check that is running. */
async function withProgress(reporter: Reporter, work: (onCheck: (record: CheckRecord) => void) => Promise<CheckRun>): Promise<CheckRun> {
  const spinner = await reporter.spinner("checking…");
  try {
    return await work((record) => spinner.update(`checked ${record.id}`));
  } finally {
    spinner.stop();
  }
}

/** `--only a,b --only c` as ids; an unknown id is a usage error that lists the known ones. */
function splitIds(values: readonly string[] | undefined, option: string): string[] | undefined {
  if (values === undefined) return undefined;
  const ids = values.flatMap((v) => v.split(",")).map((v) => v.trim()).filter((v) => v !== "");
  const unknown = unknownCheckIds(ids);
  if (unknown.length > 0) {
    throw new UsageError(`${option}: unknown check ${unknown.map((u) => `"${u}"`).join(", ")}; the checks are ${CHECK_IDS.join(", ")}.`);
  }
  return ids;
}
