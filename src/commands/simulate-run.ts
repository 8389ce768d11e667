import type { BodyFormat } from "../recall/body-format.js";
import { UsageError } from "../errors.js";
import { type Scenario, durationMs, expandSubCodes, findScenario, listScenarios, parseScenarioFile, scenarioSteps, withSubCode } from "../recall/scenarios.js";
import type { Reporter } from "../output/reporter.js";
import type { MeetingScript } from "../realtime/script.js";
import { formatMs } from "../output/format.js";
import { scenarioListRecord } from "../output/records.js";
import { type SimulateOptions, simulate } from "../simulate/simulate.js";
import { poolSize } from "../simulate/engine.js";
import { type CommandContext, reporterFor } from "./context.js";
import { interruptSignal, startReportPrinter } from "./delivery-report.js";
import { parseMetadata, parseUrl, requireSecret } from "./options.js";

export interface SimulateCommandOptions {
  to?: string;
  scenario: string;
  /** A scenario file (`--scenario-file`); runSimulate reads it into `scenarioFromFile`. */
  scenarioFile?: string;
  scenarioFromFile?: Scenario;
  list?: boolean;
  subCode?: string;
  allSubCodes?: boolean;
  bots: number;
  concurrency: number;
  speed: number;
  duplicates?: number;
  reorder?: boolean;
  retries: number;
  artifacts?: boolean;
  botId?: string;
  metadata?: string[];
  headers: "webhook" | "svix" | "both";
  bodyFormat?: BodyFormat;
  seed?: number;
  keepGoing?: boolean;
  secret?: string;
  json?: boolean;
  realtime?: boolean;
  realtimeTo?: string[];
  realtimeEvents?: string[];
  script?: string;
  /** The meeting script of `--script`, read by runSimulate before anything starts. */
  scriptFromFile?: MeetingScript;
  partials?: boolean;
  rawAudio?: "mixed" | "separate";
  video?: boolean;
  chunkMs: number;
  /** Embedded listener only: the inspector page (true: the first free port from 4141). */
  inspect?: number | true;
}

export async function runSimulate(options: SimulateCommandOptions, ctx: CommandContext): Promise<number> {
  const reporter = await reporterFor(ctx, options.json === true);
  if (options.list) {
    printList(reporter);
    return 0;
  }
  if (options.scenarioFile !== undefined) options.scenarioFromFile = await readScenarioFile(options.scenarioFile, ctx.cwd);
  const base = checkOptions(options);
  const { checkRealtimeFlags, readScript, realtimeOptions, reportRealtime } = await import("./simulate-realtime.js");
  checkRealtimeFlags(options);
  // Read before the embedded listener starts, so a bad --script is the only thing said.
  if (options.script !== undefined) options.scriptFromFile = await readScript(options.script, ctx);
  if (options.to === undefined) {
    const { runEmbedded } = await import("./simulate-embedded.js");
    return runEmbedded({
      library: libraryOptions(options), secret: options.secret, banner: (url, lifecycleMs) => banner(options, { ...base, lifecycleMs: lifecycleMs ?? base.lifecycleMs }, url),
      realtime: (wsUrl) => realtimeOptions(options, ctx, reporter, wsUrl), reportRealtime: (bots) => reportRealtime(bots, reporter), inspect: options.inspect,
    }, reporter, ctx);
  }
  if (options.inspect !== undefined) throw new UsageError("--inspect watches the embedded listener: drop --to, or run `recall-hooks listen --inspect` in front of your handler.");
  const url = parseUrl(options.to, "--to");
  const secret = requireSecret(options.secret, (w) => reporter.warn(w));
  const { createDispatcher } = await import("../webhook/deliver.js");
  const dispatcher = await createDispatcher(ctx.env, { connections: poolSize(options.concurrency) });
  try {
    const realtime = await realtimeOptions(options, ctx, reporter);
    if (!reporter.json) reporter.info(banner(options, { ...base, lifecycleMs: realtime.lifecycleMs ?? base.lifecycleMs }, url.href));
    const printer = await startReportPrinter(reporter, ctx, { url: url.href, total: base.total, lanes: "bots" });
    const report = await simulate({ ...libraryOptions(options), ...realtime.options, to: url, secret, onDelivery: printer.onDelivery, signal: interruptSignal(ctx), dispatcher });
    const streamed = await reportRealtime(report.realtime, reporter);
    const code = printer.finish(report.summary);
    return code === 0 && !streamed ? 1 : code;
  } finally {
    await dispatcher.close();
  }
}

interface CheckedRun {
  readonly scenario: string;
  /** Requests expected, without duplicates and retries. */
  readonly total: number;
  readonly bots: number;
  readonly lifecycleMs: number;
}

/** Option combinations that cannot work, as one-line errors with the fix. */
function checkOptions(options: SimulateCommandOptions): CheckedRun {
  const scenario = options.scenarioFromFile ?? findScenario(options.scenario);
  if (options.subCode !== undefined && options.allSubCodes) throw new UsageError("Give --sub-code or --all-sub-codes, not both.");
  // The scenario module refuses a sub code for a scenario without one, and an unknown sub code.
  const variant = options.subCode !== undefined ? withSubCode(scenario, options.subCode) : scenario;
  const variants = options.allSubCodes ? expandSubCodes(scenario).length : 1;
  const bots = variants * options.bots;
  if (options.botId !== undefined && bots > 1) throw new UsageError(`--bot-id names one bot, but this run has ${bots}: drop --bot-id or --bots/--all-sub-codes.`);
  parseMetadata(options.metadata);
  const steps = scenarioSteps(variant, { artifacts: options.artifacts === true });
  return { scenario: variant.name, total: bots * steps.length, bots, lifecycleMs: durationMs(steps) };
}

function libraryOptions(options: SimulateCommandOptions): Omit<SimulateOptions, "to" | "secret"> {
  return {
    scenario: options.scenarioFromFile ?? options.scenario,
    bots: options.bots,
    concurrency: options.concurrency,
    speed: options.speed,
    retries: options.retries,
    headers: options.headers,
    ...(options.metadata !== undefined && { metadata: parseMetadata(options.metadata) }),
    ...(options.bodyFormat !== undefined && { bodyFormat: options.bodyFormat }),
    allSubCodes: options.allSubCodes === true,
    artifacts: options.artifacts === true,
    reorder: options.reorder === true,
    keepGoing: options.keepGoing === true,
    ...(options.subCode !== undefined && { subCode: options.subCode }),
    ...(options.duplicates !== undefined && { duplicates: options.duplicates }),
    ...(options.botId !== undefined && { botId: options.botId }),
    ...(options.seed !== undefined && { seed: options.seed }),
  };
}

function banner(options: SimulateCommandOptions, run: CheckedRun, url: string): string {
  const pace = options.speed === 0 ? "as fast as possible" : `speed ${options.speed} (a lifecycle takes about ${formatMs(run.lifecycleMs / options.speed)})`;
  return `Simulating ${run.bots} bot${run.bots === 1 ? "" : "s"} (${run.scenario}) -> ${url}, ${pace}`;
}

function printList(reporter: Reporter): void {
  const all = listScenarios();
  if (reporter.json) {
    reporter.record(scenarioListRecord(all, durationMs));
    return;
  }
  const width = Math.max(...all.map((s) => s.name.length));
  for (const s of all) reporter.data(`${reporter.out.bold(s.name.padEnd(width))}  ${s.description}`);
}

async function readScenarioFile(file: string, cwd: string): Promise<Scenario> {
  const { readFile } = await import("node:fs/promises");
  const { resolve } = await import("node:path");
  let text: string;
  try {
    text = await readFile(resolve(cwd, file), "utf8");
  } catch (error) {
    throw new UsageError(`Cannot read the scenario file ${file} (${(error as NodeJS.ErrnoException).code ?? "error"}): check the path.`, { cause: error });
  }
  return parseScenarioFile(text, file);
}
