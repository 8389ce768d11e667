import assert from "node:assert/strict";
import { createServer } from "node:net";
import { after, before, describe, it } from "node:test";
import { findScenario, scenarioSteps } from "../src/recall/scenarios.js";
import { generateSecret } from "../src/webhook/secret.js";
import { runCli } from "./helpers/cli.js";
import { type Receiver, startReceiver } from "./helpers/receiver.js";

const secret = generateSecret();
const HAPPY_STEPS = scenarioSteps(findScenario("happy")).length;

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe("simulate and replay print a failure's body and hint once per distinct answer (issue 8 defect 13)", () => {
  let receiver: Receiver;
  before(async () => { receiver = await startReceiver(secret, () => 400); });
  after(() => receiver.close());

  it("simulate: one body and hint for seven identical 400s, then a count", async () => {
    const { code, stdout, stderr } = await runCli(["simulate", "lifecycle", "--to", receiver.url, "--secret", secret, "--speed", "0"]);
    assert.equal(code, 1, stderr);
    assert.equal(stdout.match(/body: nope 400/g)?.length, 1, stdout);
    assert.equal(stdout.match(/hint: /g)?.length, 1, stdout);
    assert.equal(stdout.match(/same answer as above/g)?.length, HAPPY_STEPS - 1, stdout);
    assert.match(stdout, new RegExp(`^${HAPPY_STEPS} deliveries got the answer 400 "nope 400" \\(its body and hint are shown once, above\\)$`, "m"));
  });

  it("replay: the same", async () => {
    const { code, stdout, stderr } = await runCli(["replay", "bot.*", "--to", receiver.url, "--secret", secret, "--events", "bot.joining_call,bot.done,bot.fatal", "--concurrency", "1"]);
    assert.equal(code, 1, stderr);
    assert.equal(stdout.match(/body: nope 400/g)?.length, 1, stdout);
    assert.match(stdout, /^3 deliveries got the answer 400 "nope 400"/m);
  });
});

describe("simulate against a refused connection stops after the first lifecycle (issue 8 defect 13)", () => {
  it("sends one bot's lifecycle, says why it stopped and how to go on", async () => {
    const url = `http://127.0.0.1:${await closedPort()}/webhooks/recall`;
    const { code, stdout, stderr } = await runCli(["simulate", "lifecycle", "--to", url, "--secret", secret, "--speed", "0", "--bots", "5", "--concurrency", "1", "--json"]);
    assert.equal(code, 1, stderr);
    const records = stdout.trim().split("\n").map((l) => JSON.parse(l) as { type: string; stopped?: string | null; failed_lanes?: string[] });
    assert.equal(records.filter((r) => r.type === "delivery").length, HAPPY_STEPS);
    const summary = records.find((r) => r.type === "summary")!;
    assert.equal(summary.stopped, "refused");
    assert.equal((summary as { unsent_lanes?: number }).unsent_lanes, 4);
    assert.equal(summary.failed_lanes!.length, 1);
    assert.match(stderr, /Stopped after the first bot: nothing is listening at http:\/\/127\.0\.0\.1:\d+\/webhooks\/recall \(connection refused\)\. Start your app, or pass --keep-going to send every lifecycle anyway\./);
  });

  it("--keep-going sends every lifecycle", async () => {
    const url = `http://127.0.0.1:${await closedPort()}/webhooks/recall`;
    const { code, stdout } = await runCli(["simulate", "lifecycle", "--to", url, "--secret", secret, "--speed", "0", "--bots", "3", "--concurrency", "1", "--json", "--keep-going"]);
    assert.equal(code, 1);
    const records = stdout.trim().split("\n").map((l) => JSON.parse(l) as { type: string; stopped?: string | null });
    assert.equal(records.filter((r) => r.type === "delivery").length, 3 * HAPPY_STEPS);
    assert.equal(records.find((r) => r.type === "summary")!.stopped, null);
  });
});
