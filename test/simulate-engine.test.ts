import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { findScenario, listScenarios, scenarioSteps } from "../src/recall/scenarios.js";
import { SVIX_RETRY_SCHEDULE_MS } from "../src/simulate/engine.js";
import { simulate } from "../src/simulate/simulate.js";
import { generateSecret } from "../src/webhook/secret.js";
import { codesByBot, graphProblems, type Receiver, startReceiver } from "./helpers/receiver.js";

const secret = generateSecret();

/** A sleep that records what it was asked for and returns at once. */
function fakeSleep(): { sleep: (ms: number) => Promise<void>; asked: number[] } {
  const asked: number[] = [];
  return { asked, sleep: async (ms) => { asked.push(ms); } };
}

describe("simulate (engine, against a handler that verifies with svix)", () => {
  let receiver: Receiver;
  before(async () => { receiver = await startReceiver(secret); });
  after(() => receiver.close());

  it("every scenario, with artifacts: every delivery verifies, follows the graph and ends in done or fatal", async () => {
    receiver.received.length = 0;
    const reports = [];
    for (const scenario of listScenarios()) {
      reports.push(await simulate({ to: receiver.url, secret, scenario: scenario.name, artifacts: true }));
    }
    assert.ok(reports.every((r) => r.summary.ok));
    assert.ok(receiver.received.length > 80);
    assert.deepEqual(receiver.received.filter((r) => !r.verified), []);
    const byBot = codesByBot(receiver.received);
    assert.equal(byBot.size, listScenarios().length);
    for (const [bot, codes] of byBot) assert.deepEqual(graphProblems(codes), [], `${bot}: ${codes.join(" ")}`);
    const happy = reports[0]!;
    assert.deepEqual(happy.deliveries.map((d) => d.event), scenarioSteps(findScenario("happy"), { artifacts: true }).map((s) => s.event));
  });

  it("--bots 50 --speed 0: 50 complete lifecycles over one keep-alive pool", async () => {
    receiver.received.length = 0;
    receiver.connections = 0;
    const report = await simulate({ to: receiver.url, secret, bots: 50, concurrency: 10, speed: 0 });
    assert.equal(report.summary.ok, true);
    assert.equal(report.summary.deliveries, 350);
    assert.equal(report.bots.length, 50);
    const byBot = codesByBot(receiver.received);
    assert.equal(byBot.size, 50);
    for (const codes of byBot.values()) assert.deepEqual(codes, findScenario("happy").steps.map((s) => s.event.slice(4)));
    assert.ok(receiver.received.every((r) => r.verified));
    assert.ok(receiver.connections <= 20, `${receiver.connections} connections for 350 requests`);
  });

  it("--duplicates 1: every message arrives twice with the same id, each verifying", async () => {
    receiver.received.length = 0;
    const report = await simulate({ to: receiver.url, secret, scenario: "fatal", duplicates: 1, seed: 1 });
    assert.equal(report.summary.deliveries, 4);
    assert.equal(report.summary.duplicates, 2);
    assert.equal(report.summary.messages, 2);
    const ids = receiver.received.map((r) => r.id);
    assert.deepEqual([ids[0], ids[2]], [ids[1], ids[3]]);
    assert.notEqual(ids[0], ids[2]);
    assert.ok(receiver.received.every((r) => r.verified));
  });

  it("--reorder swaps one pair of neighbours; each keeps its own updated_at", async () => {
    receiver.received.length = 0;
    await simulate({ to: receiver.url, secret, reorder: true, seed: 5, speed: 0 });
    const codes = receiver.received.map((r) => r.code);
    const expected = findScenario("happy").steps.map((s) => s.event.slice(4));
    const moved = codes.map((c, i) => (c === expected[i] ? -1 : i)).filter((i) => i >= 0);
    assert.equal(moved.length, 2);
    assert.equal(moved[1]! - moved[0]!, 1);
    const times = receiver.received.map((r) => Date.parse(r.updatedAt!));
    assert.ok(times[moved[0]!]! > times[moved[1]!]!, "the later event arrives first");
  });

  it("--speed scales the realistic spacing (through the injected sleep)", async () => {
    const { sleep, asked } = fakeSleep();
    await simulate({ to: receiver.url, secret, speed: 10, sleep });
    assert.deepEqual(asked, findScenario("happy").steps.slice(1).map((s) => s.delayMs / 10));
  });

  it("a handler answering 500: the summary fails, names the bot, and retries keep the id on Svix's schedule", async () => {
    const failing = await startReceiver(secret, () => 500);
    try {
      const { sleep, asked } = fakeSleep();
      let now = Date.now();
      const report = await simulate({ to: failing.url, secret, scenario: "fatal", retries: 2, speed: 1, sleep, now: () => (now += 1500) });
      assert.equal(report.summary.ok, false);
      assert.equal(report.summary.failed, 2);
      assert.equal(report.summary.non2xx, 6);
      assert.equal(report.summary.retries, 4);
      assert.deepEqual(report.summary.failedLanes, [report.bots[0]!.botId]);
      assert.equal(report.bots[0]!.ok, false);
      const fatalTries = failing.received.filter((r) => r.event === "bot.fatal");
      assert.equal(fatalTries.length, 3);
      assert.equal(new Set(fatalTries.map((r) => r.id)).size, 1);
      assert.equal(new Set(fatalTries.map((r) => r.timestamp)).size, 3, "fresh timestamp per attempt");
      assert.ok(failing.received.every((r) => r.verified));
      assert.deepEqual(asked.filter((ms) => ms >= 5000 && ms !== 8000).sort((a, b) => a - b), [5000, 5000, 300000, 300000]);
      assert.equal(SVIX_RETRY_SCHEDULE_MS.length, 7);
    } finally {
      await failing.close();
    }
  });

  it("a retry that succeeds makes the run ok", async () => {
    const flaky = await startReceiver(secret, (_r, i) => (i === 0 ? 503 : 204));
    try {
      const report = await simulate({ to: flaky.url, secret, scenario: "fatal", retries: 1 });
      assert.equal(report.summary.ok, true);
      assert.equal(report.summary.non2xx, 1);
      assert.equal(report.summary.failed, 0);
    } finally {
      await flaky.close();
    }
  });

  it("a refused connection counts as an error", async () => {
    const gone = await startReceiver(secret);
    await gone.close();
    const report = await simulate({ to: gone.url, secret, scenario: "fatal" });
    assert.equal(report.summary.errors, 2);
    assert.equal(report.summary.ok, false);
    assert.equal(report.deliveries[0]!.error, "refused");
  });
});
