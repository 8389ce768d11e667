import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { generateSecret, parseSecret } from "../src/webhook/secret.js";
import { runCli } from "./helpers/cli.js";

const secret = generateSecret();
const sign = (...args: string[]): ReturnType<typeof runCli> => runCli(["sign", "--format", "json", "--secret", secret, ...args]);

describe("sign refuses nonsense, with the same rules as simulate (issue 8 defect 10)", () => {
  it("a sub code of another event is refused, --force or not", async () => {
    for (const force of [[], ["--force"]]) {
      const { code, stdout, stderr } = await sign("--event", "bot.fatal", "--sub-code", "call_ended_by_host", ...force);
      assert.equal(code, 2, stderr);
      assert.equal(stdout, "");
      assert.match(stderr, /^error: "call_ended_by_host" is not a fatal sub code but a call_ended one \(bot\.call_ended\): run `recall-hooks events bot\.fatal` for the list\.\n$/);
    }
  });

  it("a sub code on an event that carries none is refused", async () => {
    const { code, stderr } = await sign("--event", "bot.done", "--sub-code", "meeting_not_found", "--force");
    assert.equal(code, 2);
    assert.match(stderr, /^error: bot\.done carries no sub code/);
  });

  it("an unknown sub code needs --force, and is then sent as given", async () => {
    const refused = await sign("--event", "bot.fatal", "--sub-code", "meeting_not_foundd");
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /^error: "meeting_not_foundd" is not a fatal sub code Recall documents: run `recall-hooks events bot\.fatal` for the list, or pass --force to send it anyway\.\n$/);
    const forced = await sign("--event", "bot.fatal", "--sub-code", "brand_new_code", "--force");
    assert.equal(forced.code, 0, forced.stderr);
    assert.match((JSON.parse(forced.stdout) as { body: string }).body, /"sub_code": ?"brand_new_code"/);
    const known = await sign("--event", "bot.fatal", "--sub-code", "meeting_not_found");
    assert.equal(known.code, 0, known.stderr);
  });

  it("a timestamp in milliseconds is refused with the value in seconds", async () => {
    const { code, stderr } = await sign("--event", "bot.done", "--timestamp", "1731705121000");
    assert.equal(code, 2);
    assert.equal(stderr, "error: --timestamp 1731705121000 looks like milliseconds: give Unix seconds, --timestamp 1731705121.\n");
    assert.equal((await sign("--event", "bot.done", "--timestamp", "1731705121")).code, 0);
  });

  it("a secret with whitespace around it is trimmed, and stderr says so", async () => {
    const { code, stdout, stderr } = await runCli(["sign", "--event", "bot.done", "--format", "json", "--secret", `  ${secret}\n`]);
    assert.equal(code, 0, stderr);
    assert.match(stderr, /^warning: The secret from --secret\/RECALL_WEBHOOK_SECRET had whitespace around it; it was trimmed\.\n$/);
    assert.ok(JSON.parse(stdout));
    assert.equal(parseSecret(` \t${secret} `).value, secret);
  });

  it("simulate refuses the same sub codes, through the same check", async () => {
    const { code, stderr } = await runCli(["simulate", "lifecycle", "--scenario", "fatal", "--sub-code", "call_ended_by_host", "--to", "http://127.0.0.1:9/", "--secret", secret]);
    assert.equal(code, 2);
    assert.match(stderr, /^error: "call_ended_by_host" is not a fatal sub code but a call_ended one \(bot\.call_ended\)/);
  });
});
