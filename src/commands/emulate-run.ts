import { resolve } from "node:path";
import { UsageError } from "../errors.js";
import type { Emulator, EmulatorOptions } from "../emulate/emulator.js";
import type { EmulatorTap } from "./emulate-inspect.js";
import { apiJson, apiLine, botJson, botLine, deliveryJson, deliveryLine, type Ready, readyJson, renderReady } from "../output/emulate.js";
import type { Reporter } from "../output/reporter.js";
import { splitPatterns } from "../recall/catalog.js";
import { maskSecret } from "../webhook/secret.js";
import { type CommandContext, reporterFor } from "./context.js";
import { parseUrl, requireSecret } from "./options.js";
import { readScript } from "./simulate-realtime.js";

export interface EmulateCommandOptions {
  port: number;
  host: string;
  apiKey?: string;
  secret?: string;
  webhookTo?: string[];
  events?: string[];
  speed: number;
  scenario: string;
  subCode?: string;
  script?: string;
  state?: string;
  rateLimit?: boolean;
  failCreate?: string[];
  duplicates?: number;
  retries: number;
  seed?: number;
  /** `--inspect` alone is true (the first free port from 4141). */
  inspect?: number | true;
  json?: boolean;
}

export async function runEmulate(options: EmulateCommandOptions, ctx: CommandContext): Promise<number> {
  const reporter = await reporterFor(ctx, options.json === true);
  reporter.startBatching();
  // Loaded only with --inspect: the other runs start as before.
  const tap = options.inspect !== undefined ? await (await import("./emulate-inspect.js")).emulatorTap(ctx) : null;
  const library = withTap(await libraryOptions(options, ctx, reporter), tap);
  const { startEmulator } = await import("../emulate/emulator.js");
  const { createDispatcher } = await import("../webhook/deliver.js");
  const dispatcher = await createDispatcher(ctx.env, { connections: 64 });
  const interrupted = ctx.interruption();
  const emulator = await start(startEmulator, { ...library, dispatcher }, options).catch(async (error: unknown) => {
    await dispatcher.close();
    await tap?.close();
    throw error;
  });
  try {
    const inspector = tap ? await tap.open(emulator.secret, emulator.webhookTo, options.inspect === true ? undefined : options.inspect, reporter) : null;
    const ready: Ready = {
      url: emulator.url, apiKey: emulator.apiKey, apiKeyShown: options.apiKey === undefined ? emulator.apiKey : maskSecret(emulator.apiKey),
      secretShown: options.secret === undefined ? emulator.secret : maskSecret(emulator.secret), webhookTo: emulator.webhookTo,
      events: library.events ?? [], speed: library.speed ?? 10, scenario: options.subCode ? `${options.scenario}:${options.subCode}` : options.scenario,
      state: library.statePath ?? null,
    };
    if (reporter.json) reporter.record({ ...readyJson(ready), api_key: ready.apiKeyShown, ...(inspector && { inspect_url: inspector.url, journal: tap!.journalPath }) });
    const lines = renderReady(ready, reporter.err);
    // Among the addresses, before the closing "Ctrl-C to stop.".
    if (inspector) lines.splice(Math.max(lines.length - 2, 0), 0, `  inspector    ${reporter.err.cyan(inspector.url)}   what the emulator sends (journal ${tap!.journalPath})`);
    for (const line of lines) reporter.info(line);
    await interrupted;
    reporter.info(reporter.err.dim("Stopping: finishing webhooks under way (Ctrl-C again to quit at once)..."));
  } finally {
    await emulator.close();
    await dispatcher.close();
    await tap?.close();
  }
  await reporter.flush();
  return 130;
}

/** With --inspect, the emulator's hooks also journal what it sends, beside the printers. */
function withTap(library: EmulatorOptions, tap: EmulatorTap | null): EmulatorOptions {
  if (tap === null) return library;
  const print = library.onDelivery;
  return { ...library, onSend: tap.onSend, onRealtimeFrame: tap.onRealtimeFrame, onDelivery: (d) => { tap.onDelivery(d); print?.(d); } };
}

async function start(startEmulator: (o: EmulatorOptions) => Promise<Emulator>, library: EmulatorOptions, options: EmulateCommandOptions): Promise<Emulator> {
  try {
    return await startEmulator(library);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") throw new UsageError(`Port ${options.port} is in use: pass --port 0 for a free one, or stop the other emulator.`, { cause: error });
    if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") throw new UsageError(`Cannot bind ${options.host}: it is not an address of this machine. Use 127.0.0.1.`, { cause: error });
    throw error;
  }
}

async function libraryOptions(options: EmulateCommandOptions, ctx: CommandContext, reporter: Reporter): Promise<EmulatorOptions> {
  const secret = options.secret === undefined ? undefined : requireSecret(options.secret, (w) => reporter.warn(w)).value;
  const webhookTo = (options.webhookTo ?? []).map((u) => parseUrl(u, "--webhook-to"));
  const { findScenario, withSubCode } = await import("../recall/scenarios.js");
  const scenario = findScenario(options.scenario);
  if (options.subCode !== undefined) withSubCode(scenario, options.subCode);
  const { parseFailRule } = await import("../emulate/http/limits.js");
  const failCreate = (options.failCreate ?? []).map((rule) => {
    const parsed = parseFailRule(rule);
    if (parsed === null) throw new UsageError(`--fail-create takes <status>:<rate>, such as 507:0.2 (a 507 on one create in five), not "${rule}".`);
    return parsed;
  });
  if (options.host !== "127.0.0.1" && options.host !== "localhost" && options.host !== "::1") {
    reporter.warn(`Listening on ${options.host}: other machines can call the emulator and its /_emulator/ control API, which has no auth.`);
  }
  const script = options.script === undefined ? undefined : await readScript(options.script, ctx);
  const print = await printers(reporter, ctx);
  return {
    port: options.port, host: options.host, webhookTo, events: (options.events ?? []).flatMap(splitPatterns), speed: options.speed,
    scenario: scenario.name, failCreate, retries: options.retries, rateLimit: options.rateLimit === true, ...print,
    ...(options.apiKey !== undefined && { apiKey: options.apiKey }),
    ...(secret !== undefined && { secret }),
    ...(options.subCode !== undefined && { subCode: options.subCode }),
    ...(options.state !== undefined && { statePath: resolve(ctx.cwd, options.state) }),
    ...(options.duplicates !== undefined && { duplicates: options.duplicates }),
    ...(options.seed !== undefined && { seed: options.seed }),
    ...(script !== undefined && { script }),
  };
}

async function printers(reporter: Reporter, ctx: CommandContext): Promise<Pick<EmulatorOptions, "onApi" | "onDelivery" | "onStatus" | "onRealtime" | "onRealtimeEnd">> {
  const s = reporter.out;
  const realtime = await import("../output/realtime-report.js");
  return {
    onRealtime: (event, bot) => {
      if (reporter.json) reporter.record(realtime.realtimeEventJson(event, bot));
      else for (const line of realtime.renderRealtimeEvent(event, bot, s)) reporter.data(line);
    },
    onRealtimeEnd: (botId, endpoints) => {
      const bots = [{ botId, endpoints }];
      if (reporter.json) for (const record of realtime.realtimeSummaryJson(bots)) reporter.record(record);
      else for (const line of realtime.renderEndpointTallies(bots[0]!, s)) reporter.data(line);
    },
    onApi: (r) => (reporter.json ? reporter.record(apiJson(r)) : reporter.data(apiLine(r, ctx.now(), s))),
    onDelivery: (d) => (reporter.json ? reporter.record(deliveryJson(d)) : reporter.data(deliveryLine(d, s))),
    onStatus: (bot, change) => {
      const c = { id: bot.id, code: change.code, subCode: change.sub_code, createdAt: change.created_at };
      if (reporter.json) reporter.record(botJson(c));
      else reporter.data(botLine(c, ctx.now(), s));
    },
  };
}
