import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { readInputs } from "../src/deliveries/replay-inputs.js";
import { readReplayEntries } from "../src/deliveries/replay-read.js";
import { replay, replayLanes, selectEntries } from "../src/simulate/replay.js";
import { stripHopByHop } from "../src/webhook/headers.js";
import { generateSecret } from "../src/webhook/secret.js";
import { type Receiver, startReceiver } from "./helpers/receiver.js";

const FIXTURES = fileURLToPath(new URL("../../fixtures/events/", import.meta.url));
const body = (event: string): string => JSON.stringify({ event, data: { data: { code: "x" }, bot: { id: "b1", metadata: {} } } });
const line = (value: object): string => JSON.stringify(value);

const JOURNAL = [
  line({ type: "ready", local_url: "http://127.0.0.1:1/" }),
  line({ type: "delivery", key: "r:1", id: "msg_ok", received_at: "2025-01-01T00:00:00.000Z", headers: { "webhook-id": "msg_ok" }, body: body("bot.joining_call"), forward_to: ["http://app/"] }),
  line({ type: "delivery", key: "r:2", id: "msg_fail", received_at: "2025-01-01T00:00:03.000Z", headers: { "svix-id": "msg_fail" }, body: body("bot.fatal"), forward_to: ["http://app/"] }),
  line({ type: "delivery", key: "r:3", id: "msg_never", received_at: "2025-01-01T00:00:10.000Z", headers: {}, body_base64: Buffer.from(body("bot.done")).toString("base64"), forward_to: ["http://app/"] }),
  line({ type: "delivery", key: "r:4", id: "msg_late", received_at: "2025-01-01T00:00:11.000Z", headers: {}, body: body("bot.done"), forward_to: ["http://app/"] }),
  line({ type: "delivery", key: "r:5", id: "msg_noforward", received_at: "2025-01-01T00:00:12.000Z", headers: {}, body: body("bot.done"), forward_to: [] }),
  line({ type: "forward", key: "r:1", id: "msg_ok", target: "http://app/", ok: true, attempt: 1 }),
  line({ type: "forward", key: "r:2", id: "msg_fail", target: "http://app/", ok: false, attempt: 1 }),
  line({ type: "forward", key: "r:4", id: "msg_late", target: "http://app/", ok: false, attempt: 1 }),
  line({ type: "forward", key: "r:4", id: "msg_late", target: "http://app/", ok: true, attempt: 2 }),
  '{"type":"deliv', // a torn last line
].join("\n");

describe("replay inputs", () => {
  it("reads listen's journal: ids, families, times, duplicates and which forwards failed", () => {
    const entries = readReplayEntries(Buffer.from(JOURNAL), "j.jsonl");
    assert.deepEqual(entries.map((e) => [e.id, e.event, e.family, e.forwardFailed]), [
      ["msg_ok", "bot.joining_call", "webhook", false],
      ["msg_fail", "bot.fatal", "svix", true],
      ["msg_never", "bot.done", null, true],
      ["msg_late", "bot.done", null, false],
      ["msg_noforward", "bot.done", null, null],
    ]);
    assert.equal(entries[1]!.receivedAt, Date.UTC(2025, 0, 1, 0, 0, 3));
    assert.equal(entries[2]!.body.toString(), body("bot.done"));
    assert.deepEqual(selectEntries(entries, { onlyFailed: true }).map((e) => e.id), ["msg_fail", "msg_never"]);
    assert.deepEqual(selectEntries(entries, { events: ["bot.j*", "bot.fatal"] }).map((e) => e.id), ["msg_ok", "msg_fail"]);
  });

  it("reads a bare body byte for byte, a capture, and an array; rejects anything else with the fix", () => {
    const pretty = Buffer.from(JSON.stringify(JSON.parse(body("bot.fatal")), null, 2));
    const [bare] = readReplayEntries(pretty, "f.json");
    assert.ok(bare!.body.equals(pretty));
    assert.equal(bare!.id, null);
    const [capture] = readReplayEntries(Buffer.from(line({ headers: { "webhook-id": "msg_c" }, body: body("bot.done") })), "c.json");
    assert.equal(capture!.id, "msg_c");
    assert.equal(readReplayEntries(Buffer.from(`[${body("bot.done")},${body("bot.fatal")}]`), "a.json").length, 2);
    assert.throws(() => readReplayEntries(Buffer.from('{"hello":1}'), "x.json"), /x\.json is neither a Recall body/);
    assert.equal(readReplayEntries(Buffer.from(`${body("bot.done")}\nnot json\n${body("bot.done")}`), "y.jsonl").length, 2, "a bad line is skipped");
    assert.throws(() => readReplayEntries(Buffer.from('{"event": "bot.done",\n  "data": {'), "z.json"), /z\.json is neither JSON nor JSON lines/);
  });

  it("resolves event names and globs to the bundled fixtures, from any folder", async () => {
    const entries = await readInputs(["bot.fatal", "recording.*"], { cwd: "/", fixturesDir: FIXTURES });
    assert.deepEqual(entries.map((e) => e.event), ["bot.fatal", "recording.processing", "recording.done", "recording.failed", "recording.deleted", "recording.paused"]);
    await assert.rejects(readInputs(["bot.nope"], { cwd: "/", fixturesDir: FIXTURES }), /no such file, and no event type/);
    assert.equal((await readInputs([FIXTURES], { cwd: "/" })).length > 40, true);
  });

  it("raw keeps the captured headers minus the ones a client sets; ids kept unless newId", () => {
    assert.deepEqual(stripHopByHop({ host: "x", "Content-Length": "3", connection: "close", "webhook-id": "m", "user-agent": "Svix" }), { "webhook-id": "m", "user-agent": "Svix" });
    assert.deepEqual(stripHopByHop({ Connection: "keep-alive, X-Trace", "x-trace": "1", "proxy-authorization": "Basic x", ":authority": "a", "webhook-id": "m" }), { "webhook-id": "m" });
    const raw = replayLanes([{ ...readReplayEntries(Buffer.from(JOURNAL), "j.jsonl")[0]!, headers: { "webhook-id": "msg_ok", "Transfer-Encoding": "chunked", te: "trailers" } }], { raw: true });
    assert.deepEqual(raw[0]!.plan(0)[0]!.rawHeaders, { "webhook-id": "msg_ok", "content-type": "application/json" }, "a JSON body without content-type gets one");
    const entries = readReplayEntries(Buffer.from(JOURNAL), "j.jsonl");
    const kept = replayLanes(entries, {}).map((l) => l.plan(0)[0]!.id);
    assert.deepEqual(kept, ["msg_ok", "msg_fail", "msg_never", "msg_late", "msg_noforward"]);
    const fresh = replayLanes(entries, { newId: true }).map((l) => l.plan(0)[0]!.id);
    assert.ok(fresh.every((id, i) => id !== kept[i] && id.startsWith("msg_")));
    assert.equal(replayLanes(entries, {}).map((l) => l.plan(0)[0]!.headers).join(), "webhook,svix,webhook,webhook,webhook");
  });
});

describe("replay (library)", () => {
  const secret = generateSecret();
  let receiver: Receiver;
  before(async () => { receiver = await startReceiver(secret); });
  after(() => receiver.close());

  it("--realtime keeps the original spacing, one after the other", async () => {
    receiver.received.length = 0;
    const asked: number[] = [];
    const entries = readReplayEntries(Buffer.from(JOURNAL), "j.jsonl");
    const report = await replay(entries, { to: receiver.url, secret, realtime: true, sleep: async (ms) => { asked.push(ms); } });
    assert.equal(report.summary.ok, true);
    assert.deepEqual(asked, [3000, 7000, 1000, 1000]);
    assert.deepEqual(receiver.received.map((r) => r.id), ["msg_ok", "msg_fail", "msg_never", "msg_late", "msg_noforward"]);
    assert.ok(receiver.received.every((r) => r.verified));
  });
});
