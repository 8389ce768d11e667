import type { Dispatcher } from "undici";
import { formatMs } from "../output/format.js";
import { deliver } from "../webhook/deliver.js";
import { judge, unjudged } from "./judge.js";
import type { Answer, CheckRecord, CheckSpec, PlanContext, Send, SkipCause } from "./types.js";

export interface RunSeriesOptions {
  readonly url: string;
  readonly timeoutMs: number;
  readonly dispatcher?: Dispatcher;
  /** Monotonic milliseconds, for answer times. */
  readonly clock?: () => number;
  /** Builds a check's plan context just before it is sent, so its timestamps are fresh. */
  readonly context: () => PlanContext;
  /** Called as each check is judged (progress). */
  readonly onCheck?: (record: CheckRecord) => void;
  readonly signal?: AbortSignal;
}

/** Keep this much of an answer's body: enough to recognise an error page. */
const BODY_BYTES = 300;

/**
 * Runs checks one after the other. Once the handler cannot be reached, nothing more is sent; once
 * a valid delivery got no answer in time, the checks that need an answer to a valid delivery are
 * not sent either (each would wait the whole timeout to learn the same thing).
 */
export async function runSeries(specs: readonly CheckSpec[], options: RunSeriesOptions): Promise<CheckRecord[]> {
  const records: CheckRecord[] = [];
  let stop: { cause: SkipCause; why: string; fix: string } | null = null;
  let slow: { why: string; fix: string } | null = null;
  for (const spec of specs) {
    let record: CheckRecord;
    if (options.signal?.aborted) record = unjudged(spec, "interrupted", "not sent: the run was interrupted", "run the check again");
    else if (stop !== null) record = unjudged(spec, stop.cause, stop.why, stop.fix);
    else if (slow !== null && spec.judging === "accept") record = unjudged(spec, "slow", slow.why, slow.fix);
    else record = judge(spec, await sendAll(spec, options), options.timeoutMs);
    if (record.skipCause === "unreachable" && record.sent > 0) {
      stop = { cause: "unreachable", why: `not sent: ${record.why ?? "the handler could not be reached"}`, fix: record.fix ?? "" };
    }
    if (slow === null && spec.judging !== "reject" && record.got?.error === "timeout") {
      slow = {
        why: `not sent: a valid delivery got no answer within ${formatMs(options.timeoutMs)} (see answers-fast)`,
        fix: "answer 2xx first and do the work after; then run the check again",
      };
    }
    records.push(record);
    options.onCheck?.(record);
  }
  return records;
}

async function sendAll(spec: CheckSpec, options: RunSeriesOptions): Promise<Answer[]> {
  const sends = spec.plan(options.context());
  if (spec.mode === "parallel") return untilInterrupted(Promise.all(sends.map((s) => sendOne(s, options))), options.signal, () => [INTERRUPTED]);
  const answers: Answer[] = [];
  for (const send of sends) {
    const answer = await untilInterrupted(sendOne(send, options), options.signal, () => INTERRUPTED);
    answers.push(answer);
    // A timeout or a refusal says all there is to say; the rest would only wait.
    if (answer.error === "timeout" || answer.error === "refused" || answer.error === "dns" || answer.error === "interrupted") break;
  }
  return answers;
}

async function sendOne(send: Send, options: RunSeriesOptions): Promise<Answer> {
  const r = await deliver({
    url: options.url, headers: send.headers, body: send.body, timeoutMs: options.timeoutMs, maxBodyBytes: BODY_BYTES,
    ...(options.dispatcher !== undefined && { dispatcher: options.dispatcher }),
    ...(options.clock !== undefined && { clock: options.clock }),
  });
  return { status: r.status, ms: r.latencyMs, body: r.body, error: r.error, message: r.errorMessage };
}

const INTERRUPTED: Answer = { status: null, ms: 0, body: "", error: "interrupted", message: "interrupted before an answer" };

/**
 * Ctrl-C does not wait for a slow answer: the request is left to the pool, which the caller closes.
 * One listener at a time, removed once the work is done.
 */
function untilInterrupted<T>(work: Promise<T>, signal: AbortSignal | undefined, onAbort: () => T): Promise<T> {
  if (signal === undefined) return work;
  if (signal.aborted) return Promise.resolve(onAbort());
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => resolve(onAbort());
    signal.addEventListener("abort", abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", abort));
  });
}
