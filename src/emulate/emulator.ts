import { randomBytes, randomUUID } from "node:crypto";
import type { Dispatcher } from "undici";
import { type BodyFormat, DEFAULT_BODY_FORMAT } from "../recall/body-format.js";
import { findScenario, withSubCode } from "../recall/scenarios.js";
import { seededRandom } from "../simulate/chaos.js";
import { poolSize, type SentRequest } from "../simulate/engine.js";
import { generateSecret, parseSecret } from "../webhook/secret.js";
import { createDispatcher } from "../webhook/deliver.js";
import { Signer } from "../webhook/sign.js";
import { BotService } from "./bots.js";
import { meetingScript, type MeetingScript } from "../realtime/script.js";
import type { EndpointSummary, RealtimeEvent } from "../realtime/endpoint.js";
import { MeetingArtefacts } from "./artefacts.js";
import { Driver } from "./driver.js";
import { type FailRule, parseFailRule, RateLimiter } from "./http/limits.js";
import { type ApiRecord, startApiServer } from "./http/server.js";
import { type EmulatorDelivery, Outbox } from "./outbox.js";
import { StateFile } from "./persist.js";
import { realtimeSeam } from "./realtime.js";
import type { BotState, StatusChange } from "./state.js";
import { BotStore } from "./store.js";
import { botView } from "./views.js";

export type { ApiRecord } from "./http/server.js";
export type { EmulatorDelivery } from "./outbox.js";

export interface EmulatorOptions {
  /** Default 0: a free port. */
  readonly port?: number;
  readonly host?: string;
  /** The API key apps must send; generated when absent. */
  readonly apiKey?: string;
  /** The workspace secret the webhooks are signed with (`whsec_...`); generated when absent. */
  readonly secret?: string;
  /** Dashboard webhook endpoints: every status and artefact event is sent to each. */
  readonly webhookTo?: ReadonlyArray<string | URL>;
  /** Only these event globs are sent (e.g. `bot.*`); default all. */
  readonly events?: readonly string[];
  /** Recall's timings divided by this; 0 moves as fast as the app answers. Default 10. */
  readonly speed?: number;
  /** The scenario bots walk unless their metadata or meeting URL picks another. Default "happy". */
  readonly scenario?: string;
  readonly subCode?: string;
  /**
   * The meeting every bot attends: streamed to its real-time endpoints while it records, and what its
   * transcript, participant events and audio are made of. Default meetingScript().
   */
  readonly script?: MeetingScript;
  /** meeting_metadata's title. Default "Weekly sync". */
  readonly meetingTitle?: string;
  /** Keep bots in this file across restarts. */
  readonly statePath?: string;
  /** Apply Recall's per-minute rate limits (429 with Retry-After). */
  readonly rateLimit?: boolean;
  /** Injected Create Bot failures: `{status, rate}` or `"507:0.2"`. */
  readonly failCreate?: ReadonlyArray<FailRule | string>;
  /** 0..1: the share of webhooks delivered twice (same id). Default 0. */
  readonly duplicates?: number;
  /** Webhook retries on Svix's schedule (scaled by speed); default 7. */
  readonly retries?: number;
  readonly seed?: number;
  readonly bodyFormat?: BodyFormat;
  /** An undici dispatcher for webhooks (left open); default a keep-alive pool closed by close(). */
  readonly dispatcher?: Dispatcher;
  /** Finished bots kept in memory (older ones evicted); default 10,000. */
  readonly maxFinishedBots?: number;
  readonly now?: () => number;
  readonly onApi?: (record: ApiRecord) => void;
  readonly onDelivery?: (delivery: EmulatorDelivery) => void;
  /** A real-time endpoint's retries, reconnections and failure, as they happen. */
  readonly onRealtime?: (event: RealtimeEvent, botId: string) => void;
  /** What a bot recording streamed, per endpoint, once its stream ended. */
  readonly onRealtimeEnd?: (botId: string, endpoints: readonly EndpointSummary[]) => void;
  /** Each webhook attempt's exact request, and each real-time frame, as they go out (emulate --inspect journals them). */
  readonly onSend?: (sent: SentRequest) => void;
  readonly onRealtimeFrame?: (botId: string, endpoint: URL, event: string, body: string) => void;
  readonly onStatus?: (bot: { id: string; metadata: Record<string, string> }, change: { code: string; sub_code: string | null; created_at: string }) => void;
}

export interface Emulator {
  /** The base URL to give the app in place of https://<region>.recall.ai. */
  readonly url: string;
  readonly apiKey: string;
  readonly secret: string;
  readonly webhookTo: readonly string[];
  /** Bots as Recall's API shows them. */
  readonly bots: { get(id: string): Record<string, unknown> | undefined; list(): Record<string, unknown>[] };
  /** Every webhook request sent (bounded, oldest dropped). */
  readonly deliveries: readonly EmulatorDelivery[];
  /** Forget every bot, delivery, rate-limit window and idempotency key. */
  reset(): void;
  /** Resolves when no bot is moving and every webhook (retries included) has been answered. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const settings = readSettings(options);
  const dispatcher = options.dispatcher ?? (await createDispatcher({}, { connections: poolSize(32) }));
  const closing = new AbortController();
  const store = new BotStore({ ...(options.maxFinishedBots !== undefined && { maxFinished: options.maxFinishedBots }) });
  const stateFile = options.statePath === undefined ? null : new StateFile(options.statePath, () => [...store.all()]);
  const restored = stateFile === null ? [] : await StateFile.load(stateFile.path);
  const outbox = new Outbox({
    urls: settings.urls, signer: new Signer(settings.secret), dispatcher, speed: settings.speed, events: options.events ?? [],
    bodyFormat: options.bodyFormat ?? DEFAULT_BODY_FORMAT, random: settings.random, signal: closing.signal,
    ...(options.retries !== undefined && { retries: options.retries }),
    ...(options.duplicates !== undefined && { duplicates: options.duplicates }),
    ...(options.onDelivery !== undefined && { onDelivery: options.onDelivery }),
    ...(options.onSend !== undefined && { onSend: options.onSend }),
  });
  const script = options.script ?? (await meetingScript());
  const artefacts = new MeetingArtefacts(script);
  const onChange = (): void => stateFile?.schedule();
  const realtime = realtimeSeam({
    script, speed: settings.speed, signer: new Signer(settings.secret), format: options.bodyFormat ?? DEFAULT_BODY_FORMAT, dispatcher,
    signal: closing.signal, now: Date.now,
    ...(options.onRealtime !== undefined && { onEvent: options.onRealtime }),
    ...(options.onRealtimeEnd !== undefined && { onEnd: options.onRealtimeEnd }),
    ...(options.onRealtimeFrame !== undefined && { onFrame: options.onRealtimeFrame }),
  });
  const driver = new Driver({
    store, outbox, speed: settings.speed, script, title: options.meetingTitle ?? "Weekly sync", now: settings.now, uuid: randomUUID, onChange, realtime,
    onStatus: (bot, change) => options.onStatus?.(ref(bot), statusJson(change)),
  });
  const bots = new BotService({ store, driver, outbox, now: settings.now, uuid: randomUUID, scenario: settings.scenario, onChange });
  const limiter = options.rateLimit ? new RateLimiter(settings.now) : null;
  const reset = (): void => {
    driver.haltAll();
    store.clear();
    outbox.clear();
    limiter?.clear();
    server.idempotency.clear();
    onChange();
  };
  const server = await startApiServer({
    host: options.host ?? "127.0.0.1", port: options.port ?? 0, apiKey: settings.apiKey, limiter, failCreate: settings.failCreate,
    random: settings.random, context: { bots, store, outbox, artefacts, reset },
    ...(options.onApi !== undefined && { onApi: options.onApi }),
  });
  for (const bot of restored) store.add(bot);
  for (const bot of restored) driver.start(bot);
  const close = async (): Promise<void> => {
    await server.close();
    await driver.close();
    closing.abort();
    await realtime.settled();
    await outbox.settled();
    await stateFile?.flush();
    if (options.dispatcher === undefined) await dispatcher.close();
  };
  return {
    url: server.url, apiKey: settings.apiKey, secret: settings.secret.value, webhookTo: settings.urls.map((u) => u.href),
    bots: {
      get: (id) => { const bot = store.get(id); return bot === undefined ? undefined : botView(server.url, bot); },
      list: () => [...store.all()].map((b) => botView(server.url, b)),
    },
    get deliveries() { return outbox.deliveries(); },
    reset,
    idle: async () => { await driver.idle(); await realtime.settled(); await outbox.settled(); },
    close,
  };
}

/** The options checked, with the defaults and generated values filled in. */
function readSettings(options: EmulatorOptions) {
  const speed = options.speed ?? 10;
  if (!(speed === 0 || (speed >= 0.001 && speed <= 1_000_000))) throw new RangeError(`speed must be 0 or from 0.001 to 1000000, not ${speed}`);
  const scenario = findScenario(options.scenario ?? "happy");
  if (options.subCode !== undefined) withSubCode(scenario, options.subCode);
  return {
    speed,
    scenario: { scenario: scenario.name, subCode: options.subCode ?? null },
    failCreate: (options.failCreate ?? []).map(readRule),
    secret: parseSecret(options.secret ?? generateSecret()),
    apiKey: options.apiKey ?? randomBytes(20).toString("hex"),
    now: options.now ?? Date.now,
    random: seededRandom(options.seed ?? Math.floor(Math.random() * 2 ** 32)),
    urls: (options.webhookTo ?? []).map((u) => new URL(u)),
  };
}

function readRule(rule: FailRule | string): FailRule {
  if (typeof rule !== "string") return rule;
  const parsed = parseFailRule(rule);
  if (parsed === null) throw new RangeError(`a create failure is "<status>:<rate>", such as "507:0.2" (a 507 on one create in five), not "${rule}"`);
  return parsed;
}

function ref(bot: BotState): { id: string; metadata: Record<string, string> } {
  return { id: bot.id, metadata: { ...(bot.config["metadata"] as Record<string, string>) } };
}

function statusJson(change: StatusChange): { code: string; sub_code: string | null; created_at: string } {
  return { code: change.code, sub_code: change.sub_code, created_at: new Date(change.at).toISOString().replace("Z", "000Z") };
}
