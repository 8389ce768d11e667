import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { CHECK_IDS, type CheckReport } from "../src/check/types.js";
import { generateSecret } from "../src/webhook/secret.js";
import { BIN, ROOT, runCli } from "./helpers/cli.js";
import { CaptureServer } from "./helpers/capture-server.js";
import { startTestHandler } from "./helpers/check-handlers.js";

// `recall-hooks check` as a user runs it: the built binary, real handlers on 127.0.0.1.

const NAIVE_FAILS = ["rejects-missing-signature", "raw-body", "unknown-sub-code", "unknown-event"];

describe("recall-hooks check (the binary)", () => {
  const secret = generateSecret();
  let correct: CaptureServer;
  let buggy: CaptureServer;
  before(async () => {
    correct = await startTestHandler(secret);
    buggy = await startTestHandler(secret, "accepts-anything");
  });
  after(async () => {
    await correct.close();
    await buggy.close();
  });

  it("with no arguments prints the scorecards of the two sample handlers and exits 0", async () => {
    const { code, stdout, stderr } = await runCli(["check"]);
    assert.equal(code, 0, stderr);
    assert.match(stderr, /No --to: checking two sample handlers/);
    const [first, second] = stdout.split("Sample handler 2: naive");
    assert.match(first!, /^Sample handler 1: correct/);
    assert.match(first!, /✓ all 18 checks passed in /);
    for (const id of CHECK_IDS) assert.match(first!, new RegExp(`^  ✓ ${id} `, "m"));
    const failed = [...second!.matchAll(/^ {2}✗ (\S+)/gm)].map((m) => m[1]);
    assert.deepEqual(failed, NAIVE_FAILS);
    assert.match(second!, /\n14 passed, 4 failed in /);
    assert.match(second!, /why: {2}answered 401: a 4xx here is the re-serialisation bug/);
  });

  it("with no arguments and --json prints one document per sample handler", async () => {
    const { code, stdout } = await runCli(["check", "--json"]);
    assert.equal(code, 0);
    const [correctDoc, naiveDoc] = stdout.trim().split("\n").map((l) => JSON.parse(l) as CheckReport);
    assert.match(correctDoc!.url, /^http:\/\/127\.0\.0\.1:\d+\/webhooks\/correct$/);
    assert.deepEqual([correctDoc!.passed, correctDoc!.failed, correctDoc!.skipped], [18, 0, 0]);
    assert.deepEqual(naiveDoc!.checks.filter((c) => c.ok === false).map((c) => c.id), NAIVE_FAILS);
  });

  it("--to a correct handler --json exits 0 with the document", async () => {
    const { code, stdout, stderr } = await runCli(["check", "--to", correct.url, "--secret", secret, "--json"]);
    assert.equal(code, 0, stderr);
    assert.equal(stderr, "");
    const report = JSON.parse(stdout) as CheckReport;
    assert.deepEqual(Object.keys(report), ["url", "passed", "failed", "skipped", "checks"]);
    assert.deepEqual([report.url, report.passed, report.failed, report.skipped], [correct.url, 18, 0, 0]);
    for (const c of report.checks) {
      assert.deepEqual(Object.keys(c), ["id", "name", "ok", "expected", "got", "why", "fix"]);
      assert.deepEqual(Object.keys(c.got), ["status", "ms", "body"]);
    }
  });

  it("--to a handler that accepts anything exits 1 and names the failures", async () => {
    const { code, stdout } = await runCli(["check", "--to", buggy.url, "--secret", secret]);
    assert.equal(code, 1);
    const failed = [...stdout.matchAll(/^ {2}✗ (\S+)/gm)].map((m) => m[1]);
    assert.deepEqual(failed, ["rejects-bad-signature", "rejects-tampered-body", "rejects-missing-signature", "rejects-stale", "rejects-future"]);
    assert.match(stdout, /\n13 passed, 5 failed in /);
  });

  it("the secret from RECALL_WEBHOOK_SECRET, --only and --headers svix", async () => {
    const { code, stdout } = await runCli(["check", "--to", correct.url, "--only", "accepts-valid,duplicate", "--headers", "svix", "--json"], { env: { RECALL_WEBHOOK_SECRET: secret } });
    assert.equal(code, 0);
    assert.deepEqual((JSON.parse(stdout) as CheckReport).checks.map((c) => c.id), ["accepts-valid", "duplicate"]);
  });

  it("exits 1 when the handler is down, and says so once", async () => {
    const down = await startTestHandler(secret);
    await down.close();
    const { code, stdout } = await runCli(["check", "--to", down.url, "--secret", secret]);
    assert.equal(code, 1);
    assert.equal(stdout.match(/connection refused/g)?.length, 3);
    assert.match(stdout, /– 17 checks not sent: could not reach the handler: connection refused/);
  });

  it("Ctrl-C stops at once, even waiting on an answer: the card so far, exit 130", { timeout: 60_000 }, async () => {
    const hanging = await CaptureServer.start({ secret }, () => "hang");
    try {
      const child = spawn(process.execPath, [BIN, "check", "--to", hanging.url, "--secret", secret, "--timeout", "600s"], { cwd: ROOT, env: { ...process.env, NO_COLOR: "1" } });
      let stdout = "";
      child.stdout.on("data", (c: Buffer) => { stdout += c.toString("utf8"); });
      await hanging.waitForRequests(1);
      child.kill("SIGINT");
      const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
      assert.equal(code, 130);
      assert.match(stdout, /– accepts-valid +accepts a valid delivery +no answer \(interrupted\)/);
      assert.match(stdout, /– 17 checks not sent: the run was interrupted/);
    } finally {
      await hanging.close();
    }
  });

  const usage: [string[], RegExp][] = [
    [["check", "--to", "http://127.0.0.1:9/"], /No signing secret: pass --secret/],
    [["check", "--only", "raw-bodies"], /--only: unknown check "raw-bodies"; the checks are accepts-valid, /],
    [["check", "--only", "raw-body", "--skip", "raw-body"], /leave no check to run/],
    [["check", "--timeout", "3x"], /expected a time such as 15s, 500ms or 2/],
    [["check", "--to", "localhost:3000", "--secret", generateSecret()], /--to takes an http:\/\/ or https:\/\/ URL/],
  ];
  for (const [args, message] of usage) {
    it(`usage error: ${args.slice(1).filter((a) => !a.startsWith("whsec_")).join(" ")}`, async () => {
      const { code, stderr, stdout } = await runCli(args);
      assert.equal(code, 2);
      assert.match(stderr, message);
      assert.equal(stdout, "");
    });
  }
});
