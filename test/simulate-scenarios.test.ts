import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { findEvent } from "../src/recall/catalog.js";
import {
  type Scenario, durationMs, expandSubCodes, findScenario, listScenarios, scenarioSteps, scenarios, subCodesOf, withSubCode,
} from "../src/recall/scenarios.js";
import { addDuplicates, reorderNeighbours, seededRandom } from "../src/simulate/chaos.js";
import { planBot } from "../src/simulate/plan.js";
import { graphProblems } from "./helpers/receiver.js";

/** The bot status codes of a step list, in order. */
function statusCodes(scenario: Scenario, artifacts = false): string[] {
  return scenarioSteps(scenario, { artifacts }).filter((s) => s.event.startsWith("bot.")).map((s) => s.event.slice(4));
}

const REQUIRED = [
  "happy", "no-waiting-room", "waiting-room-timeout", "kicked-from-waiting-room", "permission-denied",
  "paused-resumed", "kicked-from-call", "everyone-left", "fatal",
];

describe("scenarios", () => {
  it("has every scenario the issue asks for", () => {
    for (const name of REQUIRED) assert.ok(scenarios[name], name);
    assert.deepEqual(statusCodes(findScenario("happy")), [
      "joining_call", "in_waiting_room", "in_call_not_recording", "recording_permission_allowed", "in_call_recording", "call_ended", "done",
    ]);
  });

  it("the graph check itself rejects bad walks", () => {
    assert.deepEqual(graphProblems(["joining_call", "in_call_recording", "done"]), ["joining_call -> in_call_recording", "in_call_recording -> done"]);
    assert.deepEqual(graphProblems(["joining_call", "in_waiting_room"]), ["ends in in_waiting_room"]);
  });

  for (const scenario of listScenarios()) {
    it(`${scenario.name}: follows the status graph, ends in done or fatal, every sub-code variant too`, () => {
      const variants = scenario.variable ? [scenario, ...expandSubCodes(scenario)] : [scenario];
      for (const variant of variants) {
        for (const artifacts of [false, true]) assert.deepEqual(graphProblems(statusCodes(variant, artifacts)), [], variant.name);
        for (const step of scenarioSteps(variant, { artifacts: true })) assert.ok(findEvent(step.event), `${variant.name}: ${step.event}`);
      }
      const total = durationMs(scenarioSteps(scenario, { artifacts: true }));
      assert.ok(total > 0 && total <= 120_000, `${scenario.name} lasts ${total} ms at speed 1`);
      assert.equal(scenario.steps[0]!.delayMs, 0);
    });
  }

  it("--sub-code sets the variable step and rejects codes of another status", () => {
    const fatal = withSubCode(findScenario("fatal"), "zoom_join_timeout");
    assert.equal(fatal.steps.at(-1)!.subCode, "zoom_join_timeout");
    assert.throws(() => withSubCode(findScenario("fatal"), "call_ended_by_host"), { code: "E_SUB_CODE_OTHER", message: /not a fatal sub code but a call_ended one/ });
    const denied = withSubCode(findScenario("permission-denied"), "zoom_host_not_present");
    assert.equal(denied.steps.find((s) => s.event === "bot.recording_permission_denied")!.subCode, "zoom_host_not_present");
    assert.ok(subCodesOf(findScenario("fatal")).length > 30);
    assert.equal(expandSubCodes(findScenario("fatal")).length, subCodesOf(findScenario("fatal")).length);
  });

  it("--artifacts adds the media only after a bot that recorded", () => {
    const happy = scenarioSteps(findScenario("happy"), { artifacts: true }).map((s) => s.event);
    assert.deepEqual(happy.slice(happy.indexOf("bot.done") + 1), [
      "recording.done", "participant_events.done", "transcript.done", "video_mixed.done", "audio_mixed.done", "meeting_metadata.done",
    ]);
    assert.equal(scenarioSteps(findScenario("fatal"), { artifacts: true }).length, findScenario("fatal").steps.length);
  });
});

describe("chaos transforms", () => {
  const items = [0, 1, 2, 3, 4].map((n) => ({ n, delayMs: n * 1000, duplicate: false }));

  it("seededRandom repeats for a seed", () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const xs = [a(), a(), a()];
    assert.deepEqual(xs, [b(), b(), b()]);
    assert.ok(xs.every((x) => x >= 0 && x < 1));
  });

  it("addDuplicates: rate 0 none, rate 1 every item repeated right after itself", () => {
    assert.deepEqual(addDuplicates(items, 0, seededRandom(1)), items);
    const all = addDuplicates(items, 1, seededRandom(1));
    assert.equal(all.length, 10);
    for (let i = 0; i < 10; i += 2) assert.deepEqual([all[i]!.n, all[i + 1]!.n, all[i + 1]!.duplicate], [all[i]!.n, all[i]!.n, true]);
    const some = addDuplicates(items, 0.5, seededRandom(3));
    assert.deepEqual(some, addDuplicates(items, 0.5, seededRandom(3)));
    assert.throws(() => addDuplicates(items, 2, seededRandom(1)), RangeError);
  });

  it("reorderNeighbours swaps exactly one adjacent pair and keeps the waits in place", () => {
    for (let seed = 0; seed < 20; seed += 1) {
      const out = reorderNeighbours(items, seededRandom(seed));
      assert.deepEqual(out.map((x) => x.delayMs), items.map((x) => x.delayMs));
      const moved = out.map((x, i) => (x.n === i ? -1 : i)).filter((i) => i >= 0);
      assert.equal(moved.length, 2);
      assert.equal(moved[1]! - moved[0]!, 1);
    }
  });

  it("planBot: one bot id and recording id, updated_at advancing, distinct message ids", () => {
    const steps = scenarioSteps(findScenario("happy"), { artifacts: true });
    const plan = planBot({ steps, botId: "bot-1", metadata: { user: "42" }, startMs: Date.UTC(2025, 0, 1), speed: 1, random: seededRandom(1) });
    const bodies = plan.map((p) => JSON.parse(p.body as string) as { data: { data: { updated_at: string }; bot: { id: string; metadata: object }; recording?: { id: string } } });
    assert.ok(bodies.every((b) => b.data.bot.id === "bot-1"));
    assert.ok(bodies.every((b) => JSON.stringify(b.data.bot.metadata) === '{"user":"42"}'));
    assert.equal(new Set(bodies.filter((b) => b.data.recording).map((b) => b.data.recording!.id)).size, 1);
    const times = bodies.map((b) => Date.parse(b.data.data.updated_at));
    assert.ok(times.every((t, i) => i === 0 || t > times[i - 1]!));
    assert.equal(times[1]! - times[0]!, 3000);
    assert.equal(new Set(plan.map((p) => p.id)).size, plan.length);
  });
});
