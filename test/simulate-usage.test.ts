import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { MAX_DELAY_MS } from "../src/simulate/engine.js";
import { simulate } from "../src/simulate/simulate.js";
import { generateSecret } from "../src/webhook/secret.js";
import { runCli } from "./helpers/cli.js";
import { type Receiver, startReceiver } from "./helpers/receiver.js";

const secret = generateSecret();

describe("simulate: option values that cannot work are one-line usage errors (the built binary)", () => {
  const cases: [string[], RegExp][] = [
    [["--speed", "0.000001"], /--speed .*expected 0 \(as fast as possible\) or a factor from 0\.001/],
    [["--speed", "-1"], /--speed .*expected 0/],
    [["--bots", "0"], /--bots .*expected a whole number from 1/],
    [["--duplicates", "2"], /--duplicates .*expected a number from 0 to 1/],
    [["--duplicates", "-0.5"], /--duplicates .*expected a number from 0 to 1/],
    [["--concurrency", "0"], /--concurrency .*expected a whole number from 1/],
  ];
  for (const [args, message] of cases) {
    it(args.join(" "), async () => {
      const { code, stdout, stderr } = await runCli(["simulate", "lifecycle", "--to", "http://127.0.0.1:9/", "--secret", secret, ...args]);
      assert.equal(code, 2, stderr);
      assert.equal(stdout, "");
      assert.match(stderr, message);
      assert.equal(stderr.trim().split("\n").length, 1, stderr);
    });
  }

  it("simulate <unknown> names the word and the command to use", async () => {
    const bogus = await runCli(["simulate", "bogus"]);
    assert.equal(bogus.code, 2);
    assert.equal(bogus.stderr.trim(), 'error: unknown simulate command "bogus": use `simulate lifecycle` (scenarios: `simulate lifecycle --list`).');
    const scenario = await runCli(["simulate", "fatal"]);
    assert.equal(scenario.code, 2);
    assert.match(scenario.stderr, /use `simulate lifecycle --scenario fatal`/);
  });

  it("replay --speed takes the same factors", async () => {
    const { code, stderr } = await runCli(["replay", "bot.fatal", "--to", "http://127.0.0.1:9/", "--secret", secret, "--realtime", "--speed", "0.0000001"]);
    assert.equal(code, 2);
    assert.match(stderr, /--speed .*expected 0/);
  });
});

describe("simulate (library): a tiny speed never asks a timer for more than it can wait", () => {
  let receiver: Receiver;
  before(async () => { receiver = await startReceiver(secret); });
  after(() => receiver.close());

  it("delays are clamped to 2^31-1 ms", async () => {
    const asked: number[] = [];
    const report = await simulate({ to: receiver.url, secret, speed: 0.000001, sleep: async (ms) => { asked.push(ms); } });
    assert.equal(report.summary.ok, true);
    assert.ok(asked.length > 0);
    assert.ok(asked.every((ms) => ms <= MAX_DELAY_MS), asked.join(", "));
    assert.ok(asked.includes(MAX_DELAY_MS));
  });
});
