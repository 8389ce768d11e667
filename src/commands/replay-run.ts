import type { BodyFormat } from "../recall/body-format.js";
import { UsageError } from "../errors.js";
import { describeSkipped } from "../output/format.js";
import { describeUnmatchedPatterns, splitPatterns } from "../recall/catalog.js";
import { readInputs } from "../deliveries/replay-inputs.js";
import { poolSize } from "../simulate/engine.js";
import { replay, selectEntries } from "../simulate/replay.js";
import type { ReplayEntry } from "../deliveries/replay-read.js";
import { type CommandContext, readAll, reporterFor } from "./context.js";
import { interruptSignal, startReportPrinter } from "./delivery-report.js";
import { parseUrl, requireSecret } from "./options.js";

export interface ReplayCommandOptions {
  to?: string;
  secret?: string;
  newId?: boolean;
  raw?: boolean;
  onlyFailed?: boolean;
  events?: string[];
  concurrency: number;
  realtime?: boolean;
  speed: number;
  retries: number;
  headers?: "webhook" | "svix" | "both";
  bodyFormat?: BodyFormat;
  json?: boolean;
}

export async function runReplay(inputs: readonly string[], options: ReplayCommandOptions, ctx: CommandContext): Promise<number> {
  const reporter = await reporterFor(ctx, options.json === true);
  if (options.to === undefined) throw new UsageError("replay needs --to <url>: for example --to http://localhost:3000/webhooks/recall.");
  if (/^wss?:\/\//i.test(options.to)) {
    const { runFrameReplay } = await import("./replay-frames-run.js");
    return runFrameReplay(inputs, options, ctx, reporter);
  }
  const url = parseUrl(options.to, "--to");
  if (options.speed !== 1 && !options.realtime && options.retries === 0) {
    throw new UsageError("--speed divides the waits of --realtime and --retries, and this run has neither: drop --speed, or add --retries <n> or --realtime.");
  }
  if (options.raw && options.newId) throw new UsageError("--raw sends the captured headers as they are, so it cannot give a new id: drop one of them.");
  for (const line of describeUnmatchedPatterns(options.events ?? [])) reporter.warn(line);
  const secret = options.raw ? undefined : requireSecret(options.secret, (w) => reporter.warn(w));
  let fixtures = 0;
  const all = await readInputs(inputs, {
    cwd: ctx.cwd, stdin: () => readAll(ctx.stdin), onFixtures: () => { fixtures += 1; },
    ...(options.bodyFormat !== undefined && { bodyFormat: options.bodyFormat }),
    onSkipped: (source, lines) => reporter.warn(describeSkipped(source, lines)),
  });
  if (options.bodyFormat !== undefined && fixtures === 0) {
    throw new UsageError("--body-format shapes fixtures named by event type (bot.fatal), and these inputs are files, sent byte for byte: drop --body-format.");
  }
  const entries = select(all, options);
  if (options.raw) {
    const bare = entries.find((e) => e.headers === null);
    if (bare) throw new UsageError(`${bare.label} is a bare body with no captured headers: --raw needs captures or a journal; pass --secret to sign it instead.`);
  }
  if (entries.length === 0) {
    reporter.warn(`Nothing to replay: ${all.length} deliveries read, none left after ${options.onlyFailed ? "--only-failed" : "--events"}.`);
    return 0;
  }
  const { createDispatcher } = await import("../webhook/deliver.js");
  const dispatcher = await createDispatcher(ctx.env, { connections: poolSize(options.concurrency) });
  try {
    if (!reporter.json) reporter.info(`Replaying ${entries.length} deliver${entries.length === 1 ? "y" : "ies"} -> ${url.href}${options.raw ? " (raw: captured headers)" : ", signed now"}`);
    const printer = await startReportPrinter(reporter, ctx, { url: url.href, total: entries.length, lanes: options.realtime ? "runs" : "inputs" });
    const report = await replay(entries, {
      to: url, concurrency: options.concurrency, retries: options.retries, speed: options.speed,
      newId: options.newId === true, raw: options.raw === true, realtime: options.realtime === true,
      onDelivery: printer.onDelivery, signal: interruptSignal(ctx),
      ...(secret && { secret }),
      ...(options.headers && { headers: options.headers }),
      dispatcher,
    });
    return printer.finish(report.summary);
  } finally {
    await dispatcher.close();
  }
}

function select(all: readonly ReplayEntry[], options: ReplayCommandOptions): ReplayEntry[] {
  if (options.onlyFailed && !all.some((e) => e.forwardFailed !== null)) {
    throw new UsageError("--only-failed reads listen's journal, and these inputs have no forwards in them: pass .recall-hooks/journal.jsonl from a listen run with --forward-to.");
  }
  const events = (options.events ?? []).flatMap(splitPatterns);
  return selectEntries(all, { events, onlyFailed: options.onlyFailed === true });
}
