import { RecallHooksError } from "../errors.js";
import { MEDIA_TYPES, checkSubCode, subCodesFor } from "./catalog.js";

// Named bot lifecycles, each a walk through Recall's status graph (lifecycle.ts) that ends the way
// Recall's bots end: in `done` or `fatal`. Delays are Recall-like spacing at speed 1, measured from
// the previous step; a whole lifecycle stays under two minutes.

export interface ScenarioStep {
  /** The event type, e.g. "bot.in_waiting_room" or "recording.done". */
  readonly event: string;
  /** The sub code sent; undefined lets the builder pick its default, null sends null. */
  readonly subCode?: string | null;
  /** Wait this long after the previous step (at speed 1). */
  readonly delayMs: number;
}

/** The status whose sub code `--sub-code` and `--all-sub-codes` vary. */
export type VariableStatus = "fatal" | "call_ended" | "recording_permission_denied";

export interface Scenario {
  readonly name: string;
  /** One line for `--list`. */
  readonly description: string;
  readonly steps: readonly ScenarioStep[];
  /** Which step's sub code can be chosen; absent when none is worth varying. */
  readonly variable?: VariableStatus;
  /** The bot recorded, so `--artifacts` has media to announce. */
  readonly recorded: boolean;
}

const s = (event: string, delayMs: number, subCode?: string | null): ScenarioStep =>
  subCode === undefined ? { event: `bot.${event}`, delayMs } : { event: `bot.${event}`, delayMs, subCode };

const JOIN = [s("joining_call", 0), s("in_waiting_room", 3_000), s("in_call_not_recording", 20_000)];
const RECORD = [s("recording_permission_allowed", 2_000), s("in_call_recording", 1_000)];
const end = (subCode: string, delayMs = 45_000): ScenarioStep[] => [s("call_ended", delayMs, subCode), s("done", 5_000, null)];

const LIST: readonly Scenario[] = [
  {
    name: "happy", recorded: true, variable: "call_ended",
    description: "joins through the waiting room, is allowed to record, the host ends the call, done",
    steps: [...JOIN, ...RECORD, ...end("call_ended_by_host")],
  },
  {
    name: "no-waiting-room", recorded: true, variable: "call_ended",
    description: "the meeting has no waiting room: joining_call straight to in_call_not_recording",
    steps: [s("joining_call", 0), s("in_call_not_recording", 6_000), s("in_call_recording", 2_000), ...end("call_ended_by_host")],
  },
  {
    name: "waiting-room-timeout", recorded: false, variable: "call_ended",
    description: "nobody admits the bot: it gives up in the waiting room (timeout_exceeded_waiting_room)",
    steps: [s("joining_call", 0), s("in_waiting_room", 3_000), ...end("timeout_exceeded_waiting_room", 60_000)],
  },
  {
    name: "kicked-from-waiting-room", recorded: false, variable: "call_ended",
    description: "the host removes the bot from the waiting room (bot_kicked_from_waiting_room)",
    steps: [s("joining_call", 0), s("in_waiting_room", 3_000), ...end("bot_kicked_from_waiting_room", 15_000)],
  },
  {
    name: "permission-denied", recorded: false, variable: "recording_permission_denied",
    description: "Zoom: the host denies recording; the bot leaves after recording_permission_denied_timeout",
    steps: [...JOIN, s("recording_permission_denied", 4_000, "zoom_local_recording_request_denied_by_host"),
      ...end("timeout_exceeded_recording_permission_denied", 30_000)],
  },
  {
    name: "permission-granted-late", recorded: true, variable: "recording_permission_denied",
    description: "Zoom: recording is denied, the bot asks again and the host allows it",
    steps: [...JOIN, s("recording_permission_denied", 4_000, "zoom_local_recording_request_denied_by_host"),
      s("recording_permission_allowed", 15_000), s("in_call_recording", 1_000), ...end("call_ended_by_host")],
  },
  {
    name: "paused-resumed", recorded: true, variable: "call_ended",
    description: "recording is paused (in_call_not_recording) and resumed, then the call ends",
    steps: [...JOIN, ...RECORD, s("in_call_not_recording", 20_000), s("in_call_recording", 15_000), ...end("call_ended_by_host", 20_000)],
  },
  {
    name: "kicked-from-call", recorded: true, variable: "call_ended",
    description: "the host removes the bot while it records (bot_kicked_from_call)",
    steps: [...JOIN, ...RECORD, ...end("bot_kicked_from_call", 30_000)],
  },
  {
    name: "everyone-left", recorded: true, variable: "call_ended",
    description: "the other participants leave; the bot follows (timeout_exceeded_everyone_left)",
    steps: [...JOIN, ...RECORD, ...end("timeout_exceeded_everyone_left")],
  },
  {
    name: "leave-call", recorded: true, variable: "call_ended",
    description: "your app calls Leave Call while the bot records (bot_received_leave_call)",
    steps: [...JOIN, ...RECORD, ...end("bot_received_leave_call", 30_000)],
  },
  {
    name: "never-recording", recorded: false, variable: "call_ended",
    description: "in the call but never recording, e.g. the Zoom host is absent (timeout_exceeded_in_call_not_recording)",
    steps: [...JOIN, ...end("timeout_exceeded_in_call_not_recording", 60_000)],
  },
  {
    name: "fatal", recorded: false, variable: "fatal",
    description: "an error stops the bot from joining (meeting_not_found; any fatal sub code with --sub-code)",
    steps: [s("joining_call", 0), s("fatal", 8_000, "meeting_not_found")],
  },
  {
    name: "fatal-in-waiting-room", recorded: false, variable: "fatal",
    description: "the bot is refused from the waiting room (google_meet_bot_blocked)",
    steps: [s("joining_call", 0), s("in_waiting_room", 3_000), s("fatal", 10_000, "google_meet_bot_blocked")],
  },
];

/** Every scenario by name. */
export const scenarios: Readonly<Record<string, Scenario>> = Object.freeze(Object.fromEntries(LIST.map((x) => [x.name, x])));

/** Scenarios in their display order. */
export function listScenarios(): readonly Scenario[] {
  return LIST;
}

export function findScenario(name: string): Scenario {
  const found = scenarios[name];
  if (found === undefined) {
    const known = LIST.map((x) => x.name);
    throw new RecallHooksError("E_SCENARIO_UNKNOWN", `No scenario "${name}": pick one of ${known.join(", ")}.`, { name, known });
  }
  return found;
}

/** The sub codes a scenario's variable step can take, from the catalog. */
export function subCodesOf(scenario: Scenario): string[] {
  return scenario.variable === undefined ? [] : subCodesFor(scenario.variable).map((x) => x.subCode);
}

/**
 * The scenario with its variable step's sub code replaced. The sub code must be one the catalog has
 * for that status, so a typo fails loudly instead of sending an invented code.
 */
export function withSubCode(scenario: Scenario, subCode: string): Scenario {
  const variable = scenario.variable;
  if (variable === undefined) throw fixedScenario(scenario);
  // The one sub-code check, shared with sign; a scenario sends only documented codes.
  checkSubCode(`bot.${variable}`, subCode);
  const steps = scenario.steps.map((step) => (step.event === `bot.${variable}` ? { ...step, subCode } : step));
  return { ...scenario, name: `${scenario.name}:${subCode}`, steps };
}

/** One scenario per sub code of the variable step (`--all-sub-codes`). */
export function expandSubCodes(scenario: Scenario): Scenario[] {
  if (scenario.variable === undefined) throw fixedScenario(scenario);
  return subCodesOf(scenario).map((code) => withSubCode(scenario, code));
}

function fixedScenario(scenario: Scenario): RecallHooksError {
  return new RecallHooksError("E_SCENARIO_FIXED", `Scenario "${scenario.name}" has no sub code to choose.`, { scenario: scenario.name });
}

/** What Recall sends after a recorded bot is done: the recording, then each media object. */
export function artifactSteps(): ScenarioStep[] {
  const media = ["participant_events", "transcript", "video_mixed", "audio_mixed", "meeting_metadata"] as const;
  const known = new Set<string>(MEDIA_TYPES);
  return [
    { event: "recording.done", delayMs: 3_000, subCode: null },
    ...media.filter((m) => known.has(m)).map((m, i) => ({ event: `${m}.done`, delayMs: i === 0 ? 2_000 : 1_500, subCode: null })),
  ];
}

/** The steps to send: the scenario's, plus the artifacts when asked and the bot recorded. */
export function scenarioSteps(scenario: Scenario, options: { artifacts?: boolean } = {}): ScenarioStep[] {
  return options.artifacts && scenario.recorded ? [...scenario.steps, ...artifactSteps()] : [...scenario.steps];
}

/** Sum of a scenario's delays at speed 1. */
export function durationMs(steps: readonly ScenarioStep[]): number {
  return steps.reduce((sum, step) => sum + step.delayMs, 0);
}

/**
 * A scenario from a file (`simulate lifecycle --scenario-file`, the inspector's "export lifecycle"):
 * `{"name", "description", "recorded", "steps": [{"event", "delay_ms", "sub_code"?}]}`.
 */
export function parseScenarioFile(text: string, source: string): Scenario {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new RecallHooksError("E_SCENARIO_FILE", `${source} is not JSON: a scenario file is {"name", "steps": [{"event", "delay_ms"}]}.`, { source });
  }
  const v = value as { name?: unknown; description?: unknown; recorded?: unknown; steps?: unknown };
  if (typeof v !== "object" || v === null || !Array.isArray(v.steps) || v.steps.length === 0) {
    throw new RecallHooksError("E_SCENARIO_FILE", `${source} has no steps: a scenario file is {"name", "steps": [{"event", "delay_ms"}]}.`, { source });
  }
  const steps = v.steps.map((raw: unknown, i: number): ScenarioStep => {
    const step = raw as { event?: unknown; delay_ms?: unknown; sub_code?: unknown };
    const delay = step.delay_ms ?? 0;
    if (typeof step.event !== "string" || typeof delay !== "number" || !(delay >= 0)) {
      throw new RecallHooksError("E_SCENARIO_FILE", `${source}: step ${i + 1} needs "event" (a string) and "delay_ms" (0 or more).`, { source });
    }
    const sub = step.sub_code;
    return sub === undefined ? { event: step.event, delayMs: delay } : { event: step.event, delayMs: delay, subCode: typeof sub === "string" ? sub : null };
  });
  const name = typeof v.name === "string" && v.name !== "" ? v.name : "from-file";
  return { name, description: typeof v.description === "string" ? v.description : `from ${source}`, recorded: v.recorded === true, steps };
}
