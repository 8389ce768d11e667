import { UsageError } from "../errors.js";
import type { Reporter } from "../output/reporter.js";
import { splitPatterns } from "../recall/catalog.js";
import type { RealtimeEvent } from "../realtime/endpoint.js";
import type { BotRealtime, RealtimeOptions } from "../realtime/simulate-realtime.js";
import { type MeetingScript, ScriptError, formatScriptTime, meetingScript } from "../realtime/script.js";
import { recordingSegments } from "../realtime/lifecycle.js";
import { durationMs, findScenario, scenarioSteps } from "../recall/scenarios.js";
import type { CommandContext } from "./context.js";
import { readInput } from "./options.js";
import type { SimulateCommandOptions } from "./simulate-run.js";

// simulate's real-time flags: checked with messages that name the flags, the script read, and the
// stream's retries and tallies printed.

/** Whether the run streams real-time events at all. */
export function wantsRealtime(options: SimulateCommandOptions): boolean {
  return options.realtime === true || (options.realtimeTo?.length ?? 0) > 0;
}

/** The flags that only mean something with a stream, and the combinations that cannot work. */
export function checkRealtimeFlags(options: SimulateCommandOptions): void {
  const given = [
    options.realtimeEvents && "--realtime-events", options.script !== undefined && "--script", options.partials && "--partials",
    options.rawAudio !== undefined && "--raw-audio", options.video && "--video",
  ].filter((x): x is string => typeof x === "string");
  if (!wantsRealtime(options)) {
    if (given.length > 0) throw new UsageError(`${given[0]} is for real-time streams: add --realtime-to <url> (or --realtime for the embedded listener).`);
    return;
  }
  if (options.realtime && !options.realtimeTo?.length && options.to !== undefined) {
    throw new UsageError("--realtime alone streams into the embedded listener; with --to, name your real-time endpoint: --realtime-to ws://... or http://....");
  }
  const urls = (options.realtimeTo ?? []).map(parseEndpoint);
  const raw = options.rawAudio !== undefined || options.video === true;
  // The embedded listener takes a WebSocket.
  const websocket = urls.length === 0 || urls.some((u) => u.protocol === "ws:" || u.protocol === "wss:");
  if (raw && !websocket) {
    throw new UsageError("Raw media (--raw-audio, --video) goes only to WebSocket endpoints; Recall refuses it on webhook endpoints: add a ws:// --realtime-to.");
  }
}

function parseEndpoint(value: string): URL {
  let url: URL | null = null;
  try {
    url = new URL(value);
  } catch { /* reported below */ }
  if (url === null || !["http:", "https:", "ws:", "wss:"].includes(url.protocol)) {
    throw new UsageError(`--realtime-to takes http(s):// (a real-time webhook endpoint) or ws(s):// (a WebSocket endpoint), not "${value}".`);
  }
  return url;
}

export interface RealtimeRunPlan {
  readonly options: RealtimeOptions;
  /** The lifecycle's length at speed 1 once its recording periods play the script; null without a stream. */
  readonly lifecycleMs: number | null;
}

/** The library's real-time options for this run; `embedded` is the embedded listener's WebSocket URL. */
export async function realtimeOptions(options: SimulateCommandOptions, ctx: CommandContext, reporter: Reporter, embedded?: string): Promise<RealtimeRunPlan> {
  if (!wantsRealtime(options)) return { options: {}, lifecycleMs: null };
  const realtimeTo = options.realtimeTo?.length ? options.realtimeTo : embedded !== undefined ? [embedded] : [];
  const events = (options.realtimeEvents ?? []).flatMap(splitPatterns);
  const script = options.scriptFromFile ?? (options.script !== undefined ? await readScript(options.script, ctx) : await meetingScript());
  const scenario = findScenario(options.scenario);
  const steps = scenarioSteps(scenario, { artifacts: options.artifacts === true });
  if (!scenario.recorded) reporter.warn(`Scenario "${scenario.name}" never reaches in_call_recording, so nothing is streamed: Recall streams only while a bot records.`);
  if (!reporter.json) {
    const people = script.participants.map((p) => p.name).join(", ");
    reporter.info(`Real-time: ${script.utterances.length} utterances by ${people} (${formatScriptTime(script.duration)} of recording) -> ${realtimeTo.join(", ")}`);
  }
  return {
    options: {
      realtimeTo, script, partials: options.partials === true, video: options.video === true, chunkMs: options.chunkMs,
      ...(events.length > 0 && { realtimeEvents: events }),
      ...(options.rawAudio !== undefined && { rawAudio: options.rawAudio }),
      onRealtime: realtimePrinter(reporter, await import("../output/realtime-report.js")),
    },
    lifecycleMs: durationMs(recordingSegments(steps, script.duration * 1000).steps),
  };
}

/** Reads --script: either form, problems as usage errors naming the file. */
export async function readScript(path: string, ctx: CommandContext): Promise<MeetingScript> {
  const bytes = await readInput(path, ctx);
  const { parseScript } = await import("../realtime/script-parse.js");
  try {
    return parseScript(bytes);
  } catch (error) {
    if (error instanceof ScriptError) throw new UsageError(`${path}: ${error.message}`, { cause: error });
    throw error;
  }
}

function realtimePrinter(reporter: Reporter, render: typeof import("../output/realtime-report.js")): (event: RealtimeEvent, bot: string) => void {
  return (event, bot) => {
    if (reporter.json) reporter.record(render.realtimeEventJson(event, bot));
    else for (const line of render.renderRealtimeEvent(event, bot, reporter.out)) reporter.data(line);
  };
}

/** Prints the tallies; returns false when some endpoint missed frames. */
export async function reportRealtime(bots: readonly BotRealtime[], reporter: Reporter): Promise<boolean> {
  const { realtimeOk, realtimeSummaryJson, renderRealtimeSummary } = await import("../output/realtime-report.js");
  if (reporter.json) for (const record of realtimeSummaryJson(bots)) reporter.record(record);
  else for (const line of renderRealtimeSummary(bots, reporter.out)) reporter.data(line);
  return realtimeOk(bots);
}
