import type { ListenSummary } from "../listen/stats.js";
import type { TunnelEvent } from "../listen/tunnel.js";
import type { Scenario } from "../recall/scenarios.js";
import type { CodeInfo, EventInfo, SubCodeInfo, Transition } from "../recall/types.js";
import type { DeliveryResult } from "../webhook/deliver.js";
import type { SignedRequest } from "../webhook/sign.js";
import type { VerifyResult } from "../webhook/verify.js";
import { roundMs } from "./format.js";

/**
 * The JSON records the commands print on stdout that no renderer module owns. Every record a
 * command prints is built by a function in src/output/ (this file, or the renderer of its
 * command), never inline in a command, and its keys are snake_case.
 */
export type JsonRecord = Record<string, unknown>;

/** `{fooBar: 1}` -> `{foo_bar: 1}`: the keys of one object, not the objects inside it. */
export function snakeKeys(value: object): JsonRecord {
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]));
}

/** The same for every object of a list. */
export function snakeEach(values: readonly object[]): JsonRecord[] {
  return values.map(snakeKeys);
}

export interface ReadyFacts {
  /** `listen --inspect`: the inspector's page. */
  readonly inspectUrl?: string;
  readonly localUrl: string;
  /** The process that listens (under the command's own, see src/respawn.ts). */
  readonly pid: number;
  readonly publicUrl: string | null;
  readonly verify: boolean;
  readonly journal: string | null;
  readonly forwardTo: readonly string[];
  readonly events: readonly string[];
}

/** listen's first record: where it listens and what it does with each delivery. */
export function readyRecord(facts: ReadyFacts): JsonRecord {
  return { type: "ready", ...snakeKeys(facts) };
}

export function tunnelRecord(event: TunnelEvent): JsonRecord {
  return { type: "tunnel", state: event.state, url: event.url, error: event.error, retry_in_ms: event.retryInMs };
}

/** listen's last record. */
export function listenSummaryRecord(summary: ListenSummary): JsonRecord {
  return { type: "summary", ...snakeKeys(summary) };
}

/** One verdict of `verify` (never the expected signature). */
export function verifyRecord(result: VerifyResult): JsonRecord {
  return {
    valid: result.valid, scheme: result.scheme, reason: result.reason, id: result.id, timestamp: result.timestamp, message: result.message,
    skew_seconds: result.skewSeconds,
  };
}

/** `simulate lifecycle --list --json`: the steps in the form a --scenario-file takes. */
export function scenarioListRecord(scenarios: readonly Scenario[], durationMs: (steps: Scenario["steps"]) => number): JsonRecord[] {
  return scenarios.map((s) => ({
    name: s.name, description: s.description, variable: s.variable ?? null, steps: snakeEach(s.steps), duration_ms: durationMs(s.steps),
  }));
}

/** `events --json`: the whole catalog. */
export function catalogRecord(c: { events: readonly EventInfo[]; codes: readonly CodeInfo[]; subCodes: readonly SubCodeInfo[]; transitions: readonly Transition[] }): JsonRecord {
  return { events: snakeEach(c.events), codes: snakeEach(c.codes), sub_codes: snakeEach(c.subCodes), transitions: snakeEach(c.transitions) };
}

/** `events <type> --json`, or a glob's events when `event` is null. */
export function eventsRecord(events: readonly EventInfo[], subCodes: readonly SubCodeInfo[] | null = null): JsonRecord {
  if (subCodes === null) return { events: snakeEach(events) };
  return { event: snakeKeys(events[0]!), sub_codes: snakeEach(subCodes) };
}

/** `events <code or sub code> --json`. */
export function codeRecord(code: CodeInfo | null, subCodes: readonly SubCodeInfo[]): JsonRecord {
  return { code: code === null ? null : snakeKeys(code), sub_codes: snakeEach(subCodes) };
}

/** `sign --json`: the signed request, and with --send what the endpoint answered. */
export function signedRecord(signed: SignedRequest, sent?: { readonly url: string; readonly result: DeliveryResult }): JsonRecord {
  const record: JsonRecord = { id: signed.id, timestamp: signed.timestamp, signature: signed.signature, headers: signed.headers, body: signed.body };
  if (sent === undefined) return record;
  const r = sent.result;
  return { ...record, response: { url: sent.url, status: r.status, ok: r.ok, latency_ms: roundMs(r.latencyMs), error: r.errorMessage, body: r.body } };
}
