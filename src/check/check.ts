import type { Dispatcher } from "undici";
import { randomUUID } from "node:crypto";
import { RecallHooksError } from "../errors.js";
import { newMessageId } from "../recall/build-parts.js";
import type { HeaderChoice } from "../webhook/headers.js";
import { type ParsedSecret, generateSecret } from "../webhook/secret.js";
import { Signer } from "../webhook/sign.js";
import { runSeries } from "./runner.js";
import { SERIES } from "./series.js";
import { CHECK_IDS, type CheckRecord, type CheckReport, type CheckResult } from "./types.js";

export interface CheckOptions {
  /** The handler's URL. */
  readonly to: string | URL;
  /** The secret the handler verifies with: `whsec_...`, bare base64, parsed, or a Signer. */
  readonly secret: string | ParsedSecret | Signer;
  /** Run only these checks (in the series' order). */
  readonly only?: readonly string[] | undefined;
  /** Leave these checks out. */
  readonly skip?: readonly string[] | undefined;
  /** Signature header family of ordinary deliveries; default webhook. */
  readonly headers?: HeaderChoice;
  /** Per request; default Recall's 15 s. */
  readonly timeoutMs?: number;
  /** An undici dispatcher (left open); default a pool made and closed here. */
  readonly dispatcher?: Dispatcher;
  /** Epoch milliseconds, for signature timestamps and bodies; default Date.now. */
  readonly now?: () => number;
  /** Called as each check is judged. */
  readonly onCheck?: (record: CheckRecord) => void;
  readonly signal?: AbortSignal;
}

/** A run with the details the scorecard shows beyond the JSON document. */
export interface CheckRun {
  readonly url: string;
  readonly records: readonly CheckRecord[];
  readonly durationMs: number;
}

export const DEFAULT_CHECK_TIMEOUT_MS = 15_000;
/** 50 deliveries at once (concurrency) need 50 connections. */
const POOL_CONNECTIONS = 64;

/** Unknown ids in a list, for the caller's usage error. */
export function unknownCheckIds(ids: readonly string[]): string[] {
  return ids.filter((id) => !(CHECK_IDS as readonly string[]).includes(id));
}

/** The checks selected by only/skip, in the series' order. An unknown id throws E_CHECK_UNKNOWN. */
export function selectChecks(only: readonly string[] | undefined, skip: readonly string[] | undefined): typeof SERIES {
  const unknown = unknownCheckIds([...(only ?? []), ...(skip ?? [])]);
  if (unknown.length > 0) {
    throw new RecallHooksError("E_CHECK_UNKNOWN", `Unknown check ${unknown.map((u) => `"${u}"`).join(", ")}; the checks are ${CHECK_IDS.join(", ")}.`, { ids: unknown });
  }
  return SERIES.filter((s) => (only === undefined || only.length === 0 || only.includes(s.id)) && !(skip ?? []).includes(s.id));
}

/** Runs the series against a handler and keeps every detail (the CLI renders it). */
export async function runCheck(options: CheckOptions): Promise<CheckRun> {
  const specs = selectChecks(options.only, options.skip);
  const signer = options.secret instanceof Signer ? options.secret : new Signer(options.secret);
  const other = new Signer(generateSecret());
  const now = options.now ?? Date.now;
  const url = new URL(options.to).href;
  const dispatcher = options.dispatcher ?? (await pool());
  const started = performance.now();
  try {
    const records = await runSeries(specs, {
      url, dispatcher, timeoutMs: options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS,
      context: () => ({ signer, other, headers: options.headers ?? "webhook", now: now(), newId: newMessageId, random: randomUUID }),
      ...(options.onCheck !== undefined && { onCheck: options.onCheck }),
      ...(options.signal !== undefined && { signal: options.signal }),
    });
    return { url, records, durationMs: performance.now() - started };
  } finally {
    if (options.dispatcher === undefined) await dispatcher.destroy();
  }
}

async function pool(): Promise<Dispatcher> {
  const { createDispatcher } = await import("../webhook/deliver.js");
  return createDispatcher({}, { connections: POOL_CONNECTIONS });
}

/**
 * Audits a webhook handler against what Recall does to it and returns the scorecard as data:
 * `assert.equal((await check({ to, secret })).failed, 0)` in a test suite.
 */
export async function check(options: CheckOptions): Promise<CheckReport> {
  return toReport(await runCheck(options));
}

/** The JSON document: the same for `check --json` and `check()`. */
export function toReport(run: CheckRun): CheckReport {
  const checks: CheckResult[] = run.records.map((r) => ({
    id: r.id,
    name: r.name,
    ok: r.ok,
    expected: r.expected,
    got: { status: r.got?.status ?? null, ms: r.got === null ? null : Math.round((r.p95Ms ?? r.got.ms) * 10) / 10, body: r.got === null || r.got.status === null ? null : r.got.body },
    why: r.why ?? r.warning,
    fix: r.fix ?? (r.warning === null ? null : SERIES.find((s) => s.id === r.id)!.fix),
  }));
  return {
    url: run.url,
    passed: checks.filter((c) => c.ok === true).length,
    failed: checks.filter((c) => c.ok === false).length,
    skipped: checks.filter((c) => c.ok === null).length,
    checks,
  };
}

