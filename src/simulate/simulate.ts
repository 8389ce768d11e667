import { randomUUID } from "node:crypto";
import type { ParsedSecret } from "../webhook/secret.js";
import { Signer } from "../webhook/sign.js";
import {
  type Scenario, type ScenarioStep, expandSubCodes, findScenario, scenarioSteps, withSubCode,
} from "../recall/scenarios.js";
import type { BodyFormat } from "../recall/body-format.js";
import { SAMPLE_METADATA } from "../recall/build.js";
import type { BotRealtime, RealtimeOptions, RealtimeRun } from "../realtime/simulate-realtime.js";
import { seededRandom } from "./chaos.js";
import { type Lane, type SendOptions, sendLanes } from "./engine.js";
import { type BotPlanOptions, planBot } from "./plan.js";
import type { RunReport } from "./report.js";

export interface SimulateOptions extends Omit<SendOptions, "signer" | "url">, RealtimeOptions {
  /** The endpoint to drive. */
  readonly to: string | URL;
  /** The signing secret (`whsec_...`), parsed, or a Signer. */
  readonly secret: string | ParsedSecret | Signer;
  /** A scenario name (see `scenarios`) or your own; default "happy". */
  readonly scenario?: string | Scenario;
  /** The sub code of the scenario's variable step (fatal, call_ended or recording_permission_denied). */
  readonly subCode?: string;
  /** One lifecycle per sub code of the variable step (times `bots`). */
  readonly allSubCodes?: boolean;
  /** Lifecycles per scenario variant; default 1. */
  readonly bots?: number;
  /** The bot id, for a single lifecycle; default a new UUID per bot. */
  readonly botId?: string;
  /** The bots' custom metadata; default SAMPLE_METADATA, a name with a non-ASCII letter. */
  readonly metadata?: Record<string, string>;
  /**
   * How bodies are written: "spaced" (default, Python's json.dumps: a handler that verifies a
   * re-serialised body fails), "compact" (JSON.stringify) or "pretty".
   */
  readonly bodyFormat?: BodyFormat;
  /** Append what Recall sends after a recorded bot is done (recording.done, transcript.done, ...). */
  readonly artifacts?: boolean;
  /** 0..1: the share of messages delivered twice (same id, fresh timestamp). */
  readonly duplicates?: number;
  /** Swap one pair of neighbouring messages per bot. */
  readonly reorder?: boolean;
  /** Seeds duplicates and reorder, so a run can be repeated. */
  readonly seed?: number;
  /**
   * Send every lifecycle even when the first one found nothing listening (every request refused).
   * Default false: the run stops there, and `summary.stopped` is "refused".
   */
  readonly keepGoing?: boolean;
}

export interface BotRun {
  readonly botId: string;
  readonly scenario: string;
  /** Every message ended in a 2xx. */
  readonly ok: boolean;
}

export interface SimulateReport extends RunReport {
  readonly bots: readonly BotRun[];
  /** With realtimeTo: what each bot streamed to each real-time endpoint. */
  readonly realtime: readonly BotRealtime[];
}

interface BotSpec {
  readonly botId: string;
  readonly scenario: string;
  readonly steps: readonly ScenarioStep[];
}

/**
 * Drives bots through Recall lifecycles against an endpoint: bodies built like Recall's, signed at
 * send time, spaced by `speed`, retried on Svix's schedule. Nothing is printed; follow progress with
 * `onDelivery`. Resolves with every request and a summary; `summary.ok` is false when any failed.
 */
export async function simulate(options: SimulateOptions): Promise<SimulateReport> {
  const specs = botSpecs(options);
  const random = seededRandom(options.seed ?? Math.floor(Math.random() * 2 ** 32));
  const speed = options.speed ?? 0;
  const signer = options.secret instanceof Signer ? options.secret : new Signer(options.secret);
  const realtime = await startRealtime(options, signer, speed);
  const lanes: Lane[] = specs.map((spec) => ({
    name: spec.botId,
    plan: (startMs) => planBot({
      ...streamPlan(realtime, spec), botId: spec.botId, startMs, speed, random,
      metadata: options.metadata ?? { ...SAMPLE_METADATA },
      ...(options.bodyFormat !== undefined && { bodyFormat: options.bodyFormat }),
      ...(options.duplicates !== undefined && { duplicates: options.duplicates }),
      ...(options.reorder !== undefined && { reorder: options.reorder }),
    }),
  }));
  let streamed: BotRealtime[] = [];
  let report: RunReport;
  try {
    report = await sendLanes(lanes, { stopWhenRefused: options.keepGoing !== true, ...options, url: options.to, signer, speed });
  } finally {
    // The streams end with the run, whatever happened to it.
    streamed = (await realtime?.finish()) ?? [];
  }
  const failed = new Set(report.summary.failedLanes);
  const sent = new Set(report.deliveries.map((d) => d.lane));
  const bots = specs.map((spec) => ({ botId: spec.botId, scenario: spec.scenario, ok: sent.has(spec.botId) && !failed.has(spec.botId) }));
  return { ...report, bots, realtime: streamed };
}

async function startRealtime(options: SimulateOptions, signer: Signer, speed: number): Promise<RealtimeRun | null> {
  if (options.realtimeTo === undefined || options.realtimeTo.length === 0) return null;
  const { prepareRealtime } = await import("../realtime/simulate-realtime.js");
  // Not `headers`: Recall signs real-time traffic with webhook-* headers only (recall-webhooks.md §0).
  const { dispatcher, timeoutMs, extraHeaders, signal, now, sleep } = options;
  const metadata = options.metadata ?? { ...SAMPLE_METADATA };
  const shared = Object.fromEntries(Object.entries({ metadata, dispatcher, timeoutMs, extraHeaders, signal, now, sleep }).filter(([, v]) => v !== undefined));
  return prepareRealtime(options, { speed, signer, ...shared });
}

/** A bot's steps, and with a real-time stream its stretched recording periods and hooks. */
function streamPlan(realtime: RealtimeRun | null, spec: BotSpec): Pick<BotPlanOptions, "steps" | "recordingId" | "decorate"> {
  return realtime === null ? { steps: spec.steps } : realtime.forBot(spec.botId, spec.steps);
}

/** The lifecycles to run: the scenario (or each of its sub-code variants) times `bots`. */
export function botSpecs(options: Pick<SimulateOptions, "scenario" | "subCode" | "allSubCodes" | "bots" | "botId" | "artifacts">): BotSpec[] {
  const base = typeof options.scenario === "object" ? options.scenario : findScenario(options.scenario ?? "happy");
  if (options.subCode !== undefined && options.allSubCodes) throw new RangeError("subCode and allSubCodes exclude each other");
  const variants = options.allSubCodes ? expandSubCodes(base) : [options.subCode !== undefined ? withSubCode(base, options.subCode) : base];
  const bots = options.bots ?? 1;
  if (!Number.isInteger(bots) || bots < 1) throw new RangeError(`bots must be a whole number from 1, not ${bots}`);
  const total = variants.length * bots;
  if (options.botId !== undefined && total > 1) throw new RangeError(`botId names one bot, but this run has ${total}`);
  const artifacts = options.artifacts === true ? { artifacts: true } : {};
  return variants.flatMap((scenario) =>
    Array.from({ length: bots }, () => ({
      botId: options.botId ?? randomUUID(),
      scenario: scenario.name,
      steps: scenarioSteps(scenario, artifacts),
    })),
  );
}
