import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type CheckRun, toReport } from "../src/check/check.js";
import { judge } from "../src/check/judge.js";
import { runSeries } from "../src/check/runner.js";
import { SERIES } from "../src/check/series.js";
import type { Answer, CheckId } from "../src/check/types.js";
import { renderScorecard, renderSummary } from "../src/output/check.js";

// Judging and the scorecard, from answers made up here: no server.

const spec = (id: CheckId) => SERIES.find((s) => s.id === id)!;
const answer = (status: number | null, ms: number, body = "", error: string | null = null): Answer =>
  ({ status, ms, body, error, message: error === null ? null : `${error} (message)` });

describe("check judging", () => {
  it("a reject check fails on 2xx and on 5xx, and passes on 4xx", () => {
    assert.equal(judge(spec("rejects-stale"), [answer(401, 1)], 15_000).ok, true);
    const accepted = judge(spec("rejects-stale"), [answer(200, 1, "ok")], 15_000);
    assert.equal(accepted.ok, false);
    assert.match(accepted.why!, /^answered 200: a 2xx means a captured delivery can be replayed/);
    assert.match(judge(spec("rejects-stale"), [answer(500, 1)], 15_000).why!, /failed on it rather than rejecting it/);
  });

  it("an accept check fails on a redirect, a reset and the first bad answer of several", () => {
    assert.match(judge(spec("accepts-valid"), [answer(302, 1)], 15_000).why!, /redirect/);
    const reset = judge(spec("null-fields"), [answer(null, 3, "", "reset")], 15_000);
    assert.equal(reset.ok, false);
    assert.match(reset.why!, /closed without an answer/);
    const dup = judge(spec("duplicate"), [answer(204, 1), answer(409, 2, "duplicate")], 15_000);
    assert.equal(dup.ok, false);
    assert.equal(dup.got!.status, 409);
    assert.equal(dup.summary, "1 × 204, 1 × 409, max 2.0 ms");
  });

  it("cannot judge a refused connection or a timeout outside answers-fast and concurrency", () => {
    const refused = judge(spec("raw-body"), [answer(null, 1, "", "refused")], 15_000);
    assert.deepEqual([refused.ok, refused.skipCause], [null, "unreachable"]);
    const late = judge(spec("raw-body"), [answer(null, 15_000, "", "timeout")], 15_000);
    assert.deepEqual([late.ok, late.skipCause], [null, "no-answer"]);
    assert.equal(judge(spec("concurrency"), [answer(204, 1), answer(null, 15_000, "", "timeout")], 15_000).ok, false);
  });

  it("answers-fast reports p95, warns above 1 s and fails on a timeout", () => {
    const times = Array.from({ length: 20 }, (_, i) => answer(204, i + 1));
    const fast = judge(spec("answers-fast"), times, 15_000);
    assert.deepEqual([fast.ok, fast.p95Ms, fast.warning], [true, 19, null]);
    assert.equal(fast.summary, "p95 19 ms, max 20 ms over 20");
    const slowish = judge(spec("answers-fast"), [...times.slice(1), answer(204, 1_500)], 15_000);
    assert.equal(slowish.ok, true);
    assert.match(slowish.warning!, /1500 ms/);
    const timedOut = judge(spec("answers-fast"), [answer(204, 1), answer(null, 15_000, "", "timeout")], 15_000);
    assert.equal(timedOut.ok, false);
    assert.equal(timedOut.summary, "no answer within 15.0 s at delivery 2");
    assert.match(timedOut.why!, /^no answer within 15.0 s: Recall counts an answer slower than 15 s as failed/);
  });
});

describe("the runner", () => {
  it("sends nothing once the run is interrupted", async () => {
    const records = await runSeries(SERIES.slice(0, 4), {
      url: "http://127.0.0.1:1/", timeoutMs: 1_000,
      context: () => { throw new Error("unused"); },
      signal: AbortSignal.abort(),
    });
    assert.ok(records.every((r) => r.ok === null && r.sent === 0));
  });
});

function run(answers: Partial<Record<CheckId, Answer[]>>): CheckRun {
  const records = SERIES.filter((s) => answers[s.id] !== undefined).map((s) => judge(s, answers[s.id]!, 15_000));
  return { url: "http://127.0.0.1:3000/webhooks/recall", records, durationMs: 123 };
}

describe("the scorecard (colour off)", () => {
  it("aligns one line per check, with sent/got/why/fix under a failure and a summary", () => {
    const lines = renderScorecard(run({
      "accepts-valid": [answer(204, 2.5)],
      "rejects-missing-signature": [answer(200, 1.2, '{"ok":true}\n')],
      "raw-body": [answer(204, 0.8)],
    }));
    assert.deepEqual(lines, [
      "recall-hooks check http://127.0.0.1:3000/webhooks/recall",
      "  ✓ accepts-valid              accepts a valid delivery      204 in 2.5 ms",
      "  ✗ rejects-missing-signature  rejects an unsigned delivery  200 in 1.2 ms, expected 4xx",
      "      sent: a valid body without any signature headers",
      '      got:  200 in 1.2 ms  {"ok":true}',
      "      why:  answered 200: a 2xx means the handler skips verification when the headers are missing: anyone can post unsigned events",
      "      fix:  treat missing webhook-id/webhook-timestamp/webhook-signature (and svix-*) headers as a failed verification: answer 401",
      "  ✓ raw-body                   verifies the raw body         204 in 0.8 ms",
      "",
      "2 passed, 1 failed in 123 ms",
    ]);
  });

  it("says once that the handler cannot be reached, and lists what was not sent", async () => {
    const records = await runSeries(SERIES, {
      url: "http://127.0.0.1:1/", timeoutMs: 1_000,
      context: () => { throw new Error("unused"); },
      signal: AbortSignal.abort(),
    });
    const first = judge(spec("accepts-valid"), [answer(null, 0.4, "", "refused")], 15_000);
    const lines = renderScorecard({ url: "http://127.0.0.1:1/", records: [first, ...records.slice(1).map((r) => ({ ...r, why: "not sent: could not reach the handler" }))], durationMs: 5 });
    assert.equal(lines.filter((l) => l.includes("not sent")).length, 1);
    assert.match(lines.join("\n"), /– accepts-valid {2}accepts a valid delivery {2}no answer \(refused\) after 0\.4 ms\n {6}sent: .*\n {6}got:  no answer: refused \(message\) \(after 0\.4 ms\)/);
    assert.match(lines.join("\n"), /– 17 checks not sent: could not reach the handler\n {6}answers-fast, rejects-bad-signature, [^]*\n {6}concurrency\n/);
    assert.ok(lines.every((l) => l.length <= 110), "wrapped");
    assert.equal(lines.at(-1), "0 passed, 0 failed, 18 not judged in 5.0 ms");
  });

  it("hints at the secret when a valid delivery was rejected", () => {
    const lines = renderScorecard(run({ "accepts-valid": [answer(401, 1)], "rejects-stale": [answer(401, 1)] }));
    assert.match(lines.at(-1)!, /^hint: a valid delivery was answered 401: is --secret the handler's secret\?/);
    assert.ok(!renderScorecard(run({ "accepts-valid": [answer(500, 1)] })).some((l) => l.startsWith("hint:")));
  });

  it("is one line when everything passed", () => {
    assert.equal(renderSummary(run({ "accepts-valid": [answer(204, 1)], "raw-body": [answer(204, 1)] })), "✓ all 2 checks passed in 123 ms");
  });

  it("the JSON document has exactly the documented shape", () => {
    const report = toReport(run({ "accepts-valid": [answer(204, 2.54, "")], "rejects-stale": [answer(200, 1, "ok")] }));
    assert.deepEqual(Object.keys(report), ["url", "passed", "failed", "skipped", "checks"]);
    assert.deepEqual(report.checks[1], {
      id: "rejects-stale", name: "rejects an old timestamp", ok: false, expected: "4xx", got: { status: 200, ms: 1, body: "ok" },
      why: "answered 200: a 2xx means a captured delivery can be replayed at any time later (no replay protection)",
      fix: spec("rejects-stale").fix,
    });
    assert.deepEqual(report.checks[0]!.got, { status: 204, ms: 2.5, body: "" });
  });
});
