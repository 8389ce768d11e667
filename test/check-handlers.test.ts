import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { check } from "../src/check/check.js";
import { CHECK_IDS, type CheckReport } from "../src/check/types.js";
import { generateSecret } from "../src/webhook/secret.js";
import { type HandlerBug, startTestHandler } from "./helpers/check-handlers.js";

// The series against real handlers on 127.0.0.1: a correct svix-verifying one passes every check,
// and each single bug fails exactly its own checks.

const failedIds = (report: CheckReport): string[] => report.checks.filter((c) => c.ok === false).map((c) => c.id).sort();

async function checkHandler(bug: HandlerBug, timeoutMs?: number): Promise<CheckReport> {
  const secret = generateSecret();
  const handler = await startTestHandler(secret, bug);
  try {
    return await check({ to: handler.url, secret, ...(timeoutMs !== undefined && { timeoutMs }) });
  } finally {
    await handler.close();
  }
}

describe("check against local handlers", () => {
  it("a correct svix-verifying handler passes every check", async () => {
    const report = await checkHandler("none");
    assert.deepEqual(report.checks.map((c) => c.id), [...CHECK_IDS]);
    assert.deepEqual(failedIds(report), []);
    assert.deepEqual({ passed: report.passed, failed: report.failed, skipped: report.skipped }, { passed: CHECK_IDS.length, failed: 0, skipped: 0 });
    for (const c of report.checks) {
      assert.equal(c.ok, true, c.id);
      assert.equal(c.why, null, c.id);
      assert.equal(c.fix, null, c.id);
    }
  });

  const cases: [HandlerBug, string[]][] = [
    ["accepts-anything", ["rejects-bad-signature", "rejects-future", "rejects-missing-signature", "rejects-stale", "rejects-tampered-body"]],
    ["no-timestamp-check", ["rejects-future", "rejects-stale"]],
    ["reserialises", ["raw-body"]],
    ["500-unknown-sub-code", ["unknown-sub-code"]],
    ["409-duplicate", ["duplicate"]],
  ];
  for (const [bug, expected] of cases) {
    it(`a handler with one bug (${bug}) fails ${expected.join(", ")} and nothing else`, async () => {
      const report = await checkHandler(bug);
      assert.deepEqual(failedIds(report), expected);
      assert.equal(report.skipped, 0);
      assert.equal(report.passed, CHECK_IDS.length - expected.length);
      for (const c of report.checks.filter((x) => x.ok === false)) {
        assert.ok(c.why && c.fix, `${c.id} says why and how to fix`);
        assert.equal(typeof c.got.status, "number");
      }
    });
  }

  it("a handler answering in 20 s fails answers-fast only (1 s timeout); what needs an answer is not judged", async () => {
    const report = await checkHandler("slow", 1_000);
    assert.deepEqual(failedIds(report), ["answers-fast"]);
    const fast = report.checks.find((c) => c.id === "answers-fast")!;
    assert.equal(fast.got.status, null);
    assert.match(fast.why!, /^no answer within 1000 ms: Recall counts an answer slower than 15 s/);
    // Rejections need no work before answering: they are still judged.
    const judged = report.checks.filter((c) => c.ok === true).map((c) => c.id).sort();
    assert.deepEqual(judged, ["rejects-bad-signature", "rejects-future", "rejects-missing-signature", "rejects-stale", "rejects-tampered-body"]);
    for (const c of report.checks.filter((x) => x.ok === null)) assert.match(c.why!, /no answer within 1000 ms/, c.id);
  });
});

describe("check when the handler is down", () => {
  let url: string;
  before(async () => {
    const handler = await startTestHandler(generateSecret());
    url = handler.url;
    await handler.close();
  });

  it("judges nothing, fails nothing, and says why on every check", async () => {
    const report = await check({ to: url, secret: generateSecret() });
    assert.equal(report.failed, 0);
    assert.equal(report.skipped, CHECK_IDS.length);
    assert.equal(report.checks[0]!.ok, null);
    assert.match(report.checks[0]!.why!, /connection refused/);
    assert.match(report.checks[0]!.fix!, /start the handler/);
    assert.match(report.checks[1]!.why!, /^not sent: /);
  });
});

describe("check --only and --skip", () => {
  it("runs the selected checks in the series' order", async () => {
    const secret = generateSecret();
    const handler = await startTestHandler(secret, "reserialises");
    try {
      const report = await check({ to: handler.url, secret, only: ["raw-body", "accepts-valid"], skip: ["accepts-valid"] });
      assert.deepEqual(report.checks.map((c) => c.id), ["raw-body"]);
      assert.equal(report.failed, 1);
      assert.equal(handler.requests.length, 1);
    } finally {
      await handler.close();
    }
  });

  it("refuses an unknown id", async () => {
    await assert.rejects(check({ to: "http://127.0.0.1:9/", secret: generateSecret(), only: ["raw-bodies"] }),
      (error: { code?: string; message?: string }) => error.code === "E_CHECK_UNKNOWN" && /Unknown check "raw-bodies"; the checks are accepts-valid, /.test(error.message ?? ""));
  });
});
