import assert from "node:assert/strict";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { EVENTS } from "../src/recall/catalog.js";
import { readInputs } from "../src/deliveries/replay-inputs.js";
import { readReplayEntries } from "../src/deliveries/replay-read.js";
import { replay } from "../src/simulate/replay.js";
import { SVIX_RETRY_SCHEDULE_MS } from "../src/simulate/engine.js";
import { generateSecret } from "../src/webhook/secret.js";
import { runCli } from "./helpers/cli.js";
import { type Receiver, startReceiver } from "./helpers/receiver.js";

const body = (event: string): string => JSON.stringify({ event, data: { data: { code: "x" }, bot: { id: "b1", metadata: {} } } });

describe("replay of folders (issue 8 defect 2)", () => {
  const secret = generateSecret();
  let receiver: Receiver;
  before(async () => { receiver = await startReceiver(secret); });
  after(() => receiver.close());

  for (const folder of ["fixtures", "fixtures/", "fixtures/events"]) {
    it(`replay ${folder} sends every bundled fixture`, async () => {
      receiver.received.length = 0;
      const { code, stderr } = await runCli(["replay", folder, "--to", receiver.url, "--secret", secret, "--json"]);
      assert.equal(code, 0, stderr);
      assert.deepEqual(receiver.received.map((r) => r.event).sort(), EVENTS.map((e) => e.name).sort());
    });
  }

  it("reads a folder recursively, sorted, .json and .jsonl only, skipping hidden folders and node_modules", async () => {
    const dir = await mkdtemp(join(tmpdir(), "recall-hooks-replay-"));
    await mkdir(join(dir, "b", "deeper"), { recursive: true });
    await mkdir(join(dir, ".hidden"));
    await mkdir(join(dir, "node_modules", "x"), { recursive: true });
    await writeFile(join(dir, "b", "deeper", "z.json"), body("bot.done"));
    await writeFile(join(dir, "b", "a.jsonl"), `${body("bot.joining_call")}\n${body("bot.in_call_recording")}\n`);
    await writeFile(join(dir, "a.json"), body("bot.fatal"));
    await writeFile(join(dir, "notes.txt"), "not a delivery");
    await writeFile(join(dir, ".hidden", "h.json"), body("bot.call_ended"));
    await writeFile(join(dir, "node_modules", "x", "n.json"), body("bot.call_ended"));
    const entries = await readInputs(["."], { cwd: dir });
    assert.deepEqual(entries.map((e) => [e.label, e.event]), [
      ["a.json", "bot.fatal"],
      ["b/a.jsonl:1", "bot.joining_call"],
      ["b/a.jsonl:2", "bot.in_call_recording"],
      ["b/deeper/z.json", "bot.done"],
    ]);
  });
});

describe("replay --raw of a capture without content-type (issue 8 defect 7)", () => {
  const secret = generateSecret();
  let receiver: Receiver;
  before(async () => { receiver = await startReceiver(secret, () => 204, false); });
  after(() => receiver.close());

  it("adds content-type: application/json when the capture has none and the body is JSON; keeps a captured one", async () => {
    receiver.received.length = 0;
    const captures = [
      { headers: { "webhook-id": "msg_bare" }, body: body("bot.done") },
      { headers: { "webhook-id": "msg_text" }, body: "plain words" },
      { headers: { "webhook-id": "msg_typed", "Content-Type": "application/json; charset=utf-8" }, body: body("bot.done") },
    ];
    const entries = captures.flatMap((c, i) => readReplayEntries(Buffer.from(JSON.stringify(c)), `c${i}.json`));
    const report = await replay(entries, { to: receiver.url, raw: true });
    assert.equal(report.summary.ok, true);
    const types = Object.fromEntries(receiver.received.map((r) => [r.id, r.headers["content-type"]]));
    assert.deepEqual(types, { msg_bare: "application/json", msg_text: undefined, msg_typed: "application/json; charset=utf-8" });
  });
});

describe("replay --retries waits on Svix's schedule (issue 8 defect 5)", () => {
  const secret = generateSecret();
  let receiver: Receiver;
  before(async () => { receiver = await startReceiver(secret, () => 503); });
  after(() => receiver.close());
  const entries = (): ReturnType<typeof readReplayEntries> => readReplayEntries(Buffer.from(body("bot.done")), "done.json");

  for (const [label, extra, divisor] of [
    ["without --realtime, at real time by default", {}, 1],
    ["without --realtime, divided by --speed", { speed: 10 }, 10],
    ["with --realtime, divided by --speed", { realtime: true, speed: 4 }, 4],
  ] as const) {
    it(label, async () => {
      receiver.received.length = 0;
      const waits: number[] = [];
      const report = await replay(entries(), { to: receiver.url, secret, retries: 3, ...extra, sleep: async (ms) => { waits.push(ms); } });
      assert.equal(report.summary.ok, false);
      assert.equal(receiver.received.length, 4, "the first try and three retries");
      assert.deepEqual(waits.filter((ms) => ms > 0), SVIX_RETRY_SCHEDULE_MS.slice(0, 3).map((ms) => ms / divisor));
    });
  }

  it("--speed 0 retries at once, as fast as possible", async () => {
    receiver.received.length = 0;
    const waits: number[] = [];
    await replay(entries(), { to: receiver.url, secret, retries: 2, speed: 0, sleep: async (ms) => { waits.push(ms); } });
    assert.equal(receiver.received.length, 3);
    assert.deepEqual(waits, []);
  });

  it("--speed with neither --realtime nor --retries is refused: it would change nothing", async () => {
    const { code, stderr } = await runCli(["replay", "bot.done", "--to", receiver.url, "--secret", secret, "--speed", "5"]);
    assert.equal(code, 2);
    assert.match(stderr, /^error: --speed divides the waits of --realtime and --retries, and this run has neither: drop --speed, or add --retries <n> or --realtime\.\n$/);
  });
});
