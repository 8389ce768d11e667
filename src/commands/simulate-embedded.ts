import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Inspector } from "../inspector/index.js";
import type { Listener } from "../listen/listener.js";
import { listenerPrinter } from "../output/listen.js";
import { readyRecord } from "../output/records.js";
import type { Reporter } from "../output/reporter.js";
import { simulate } from "../simulate/simulate.js";
import { generateSecret } from "../webhook/secret.js";
import { Signer } from "../webhook/sign.js";
import type { CommandContext } from "./context.js";
import { interruptSignal, startReportPrinter } from "./delivery-report.js";
import { requireSecret } from "./options.js";
import type { SimulateOptions } from "../simulate/simulate.js";
import type { BotRealtime } from "../realtime/simulate-realtime.js";
import type { RealtimeRunPlan } from "./simulate-realtime.js";

/**
 * `simulate lifecycle` with no --to: a listener in this process, on a free port, with a secret made
 * for the run. The listener verifies and prints each delivery as `listen` would; simulate adds its summary.
 */
export interface EmbeddedRun {
  /** The simulate options but the target and the secret, which the embedded listener decides. */
  readonly library: Omit<SimulateOptions, "to" | "secret">;
  readonly secret: string | undefined;
  /** The banner line for a run against this URL; a real-time stream makes the lifecycle this long (at speed 1). */
  readonly banner: (url: string, lifecycleMs: number | null) => string;
  /** The real-time options, streaming into the embedded listener's WebSocket URL unless endpoints were given. */
  readonly realtime: (wsUrl: string) => Promise<RealtimeRunPlan>;
  /** Prints what each bot streamed; false when an endpoint missed frames. */
  readonly reportRealtime: (bots: readonly BotRealtime[]) => Promise<boolean>;
  /** `--inspect [port]`: the inspector over the run (true: the first free port from 4141). */
  readonly inspect: number | true | undefined;
}

export async function runEmbedded(run: EmbeddedRun, reporter: Reporter, ctx: CommandContext): Promise<number> {
  const secret = run.secret !== undefined ? requireSecret(run.secret, (w) => reporter.warn(w)).value : generateSecret();
  const signer = new Signer(secret);
  const { startListener } = await import("../listen/listener.js");
  const print = listenerPrinter(reporter);
  const journalPath = run.inspect !== undefined ? join(await mkdtemp(join(tmpdir(), "recall-hooks-simulate-")), "journal.jsonl") : null;
  let inspector: Inspector | null = null;
  const listener: Listener = await startListener({ port: 0, signer, journalPath, onEvent: (e) => { print(e); inspector?.onListenerEvent(e); } });
  if (journalPath !== null) inspector = await openInspector(listener, journalPath, signer, run.inspect, reporter, ctx);
  let closed = false;
  try {
    if (!reporter.json) reporter.info(`Embedded listener on ${listener.url} (it verifies with a secret made for this run; --to <url> drives your own handler)`);
    const realtime = await run.realtime(`${listener.url.replace(/^http/, "ws")}realtime`);
    if (!reporter.json) reporter.info(run.banner(listener.url, realtime.lifecycleMs));
    // The listener prints what it receives; simulate prints only its failures, then the summary.
    const printer = await startReportPrinter(reporter, ctx, { url: listener.url, lanes: "bots", lines: "failures" });
    const report = await simulate({
      ...run.library, ...realtime.options, to: listener.url, secret: signer, signal: interruptSignal(ctx),
      onDelivery: printer.onDelivery,
    });
    await listener.close();
    closed = true;
    const streamed = await run.reportRealtime(report.realtime);
    const finished = printer.finish(report.summary);
    const code = finished === 0 && !streamed ? 1 : finished;
    if (inspector) {
      reporter.info(`The inspector stays up at ${inspector.url} (journal ${journalPath}); Ctrl-C to stop.`);
      await reporter.flush();
      await ctx.interruption();
    }
    return code;
  } finally {
    if (!closed) await listener.close();
    await inspector?.close();
  }
}

async function openInspector(listener: Listener, journalPath: string, signer: Signer, port: number | true | undefined, reporter: Reporter, ctx: CommandContext): Promise<Inspector> {
  const { openInspector: open } = await import("./inspect-run.js");
  const inspector = await open({ journalPath, signer, fixturesDir: join(ctx.cwd, ".recall-hooks/fixtures"), mode: "live", now: ctx.now, targets: [] },
    port === true ? undefined : port, reporter);
  // The embedded listener's ready record, as listen's: the run's signed deliveries are all it verifies.
  if (reporter.json) reporter.record(readyRecord({ inspectUrl: inspector.url, localUrl: listener.url, pid: process.pid, publicUrl: null, verify: true, journal: journalPath, forwardTo: [], events: [] }));
  else reporter.info(`Inspector at ${inspector.url}`);
  await reporter.flush();
  return inspector;
}
