import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parseJournal } from "../src/deliveries/journal-read.js";
import { scanJournal } from "../src/deliveries/resume.js";
import { readInputs } from "../src/deliveries/replay-inputs.js";
import { readReplayEntries } from "../src/deliveries/replay-read.js";
import { selectEntries } from "../src/simulate/replay.js";
import { readCaptures } from "../src/deliveries/capture.js";
import { generateSecret } from "../src/webhook/secret.js";
import { Signer } from "../src/webhook/sign.js";
import { runCli } from "./helpers/cli.js";
import { type Receiver, startReceiver } from "./helpers/receiver.js";

const secret = generateSecret();
const signer = new Signer(secret);
const body = (event: string, bot = "b1"): string => JSON.stringify({ event, data: { data: { code: "x" }, bot: { id: bot, metadata: {} } } });
const line = (value: object): string => JSON.stringify(value);

/** A delivery record as listen journals it, signed now. */
function delivery(n: number, event: string, forwardTo: readonly string[]): string {
  const id = `msg_${n}`;
  const signed = signer.sign(id, Math.floor(Date.now() / 1000), body(event));
  return line({ type: "delivery", v: 1, key: `r:${n}`, seq: n, id, received_at: new Date().toISOString(), method: "POST", path: "/", headers: signed.headers, body: signed.body, forward_to: forwardTo, duplicate: false });
}

const forward = (n: number, target: string, ok: boolean, attempt = 1): string =>
  line({ type: "forward", key: `r:${n}`, seq: n, id: `msg_${n}`, target, ok, status: ok ? 204 : 500, attempt, at: new Date().toISOString(), latency_ms: 1, error: null });

// Line 3 is torn (a run killed mid-write; the next run appended after it), line 7 is not a record.
const JOURNAL = [
  delivery(1, "bot.joining_call", ["http://app/"]),
  forward(1, "http://app/", true),
  '{"type":"delivery","v":1,"key":"r:2","se',
  delivery(3, "bot.fatal", ["http://app/"]),
  forward(3, "http://app/", false),
  delivery(4, "bot.done", []),
  "[1, 2]",
  "",
].join("\n");

describe("journal-read: the one reader of journals, captures and listen --json output", () => {
  it("skips unreadable lines anywhere and counts them; forwards settle deliveries by key and target", () => {
    const state = parseJournal(JOURNAL);
    assert.deepEqual(state.skipped, [3, 7]);
    assert.deepEqual(state.deliveries.map((d) => d.id), ["msg_1", "msg_3", "msg_4"]);
    assert.deepEqual(state.owed.owed().map((p) => [p.delivery.id, p.target, p.attempts]), [["msg_3", "http://app/", 1]]);
  });

  it("an ok attempt settles a target even if a later attempt failed; the file streams the same", async () => {
    const text = [delivery(1, "bot.done", ["http://a/", "http://b/"]), forward(1, "http://a/", true), forward(1, "http://a/", false, 2), forward(1, "http://b/", false)].join("\n");
    assert.deepEqual(parseJournal(text).owed.owed().map((p) => p.target), ["http://b/"]);
    const dir = await mkdtemp(join(tmpdir(), "recall-hooks-jr-"));
    await writeFile(join(dir, "j.jsonl"), text);
    assert.deepEqual((await scanJournal(join(dir, "j.jsonl"), 10)).owed.map((p) => p.target), ["http://b/"]);
    await writeFile(join(dir, "j.jsonl"), JOURNAL);
    const scan = await scanJournal(join(dir, "j.jsonl"), 10);
    assert.deepEqual(scan.ids, ["msg_1", "msg_3", "msg_4"]);
    assert.deepEqual(scan.owed.map((p) => [p.delivery.id, p.target, p.attempts]), [["msg_3", "http://app/", 1]]);
  });

  it("listen --json output: event records with headers and body are captures; ready, forward, tunnel, summary are skipped silently", () => {
    const signed = signer.sign("msg_e", Math.floor(Date.now() / 1000), body("bot.done"));
    const ndjson = [
      line({ type: "ready", local_url: "http://127.0.0.1:1/", public_url: null, verify: true, journal: null }),
      line({ type: "event", id: "msg_e", event: "bot.done", verified: true, scheme: "webhook", headers: signed.headers, body: signed.body }),
      line({ type: "forward", id: "msg_e", status: 204, latency_ms: 3, attempt: 1, error: null }),
      line({ type: "tunnel", state: "up" }),
      line({ type: "summary", received: 1 }),
    ].join("\n");
    const { captures, skipped } = readCaptures(Buffer.from(ndjson), "out.ndjson");
    assert.deepEqual(skipped, []);
    assert.deepEqual(captures.map((c) => [c.label, c.body.toString()]), [["out.ndjson:2", signed.body]]);
    const entries = readReplayEntries(Buffer.from(ndjson), "out.ndjson");
    assert.deepEqual(entries.map((e) => [e.id, e.event]), [["msg_e", "bot.done"]]);
  });

  it("replay: --only-failed is the journal's pending forwards; skipped lines are reported with their numbers", async () => {
    const dir = await mkdtemp(join(tmpdir(), "recall-hooks-jr-"));
    await writeFile(join(dir, "j.jsonl"), JOURNAL);
    const heard: [string, readonly number[]][] = [];
    const entries = await readInputs(["j.jsonl"], { cwd: dir, onSkipped: (source, lines) => heard.push([source, lines]) });
    assert.deepEqual(heard, [["j.jsonl", [3, 7]]]);
    assert.deepEqual(entries.map((e) => [e.id, e.forwardFailed]), [["msg_1", false], ["msg_3", true], ["msg_4", null]]);
    assert.deepEqual(selectEntries(entries, { onlyFailed: true }).map((e) => e.id), ["msg_3"]);
  });

  // Speed is the benchmark's business; this checks that a long journal reads completely and right.
  it("reads an 80k-line journal whole, settling every forward", () => {
    const lines: string[] = [];
    const template = JSON.parse(delivery(0, "bot.done", ["http://app/"])) as Record<string, unknown>;
    for (let n = 0; n < 40_000; n += 1) {
      lines.push(line({ ...template, key: `r:${n}`, id: `msg_${n}` }));
      lines.push(forward(n, "http://app/", n % 2 === 0));
    }
    const entries = readReplayEntries(Buffer.from(lines.join("\n")), "big.jsonl");
    assert.equal(entries.length, 40_000);
    assert.equal(selectEntries(entries, { onlyFailed: true }).length, 20_000);
  });
});

describe("verify and replay of a journal with forwards and a torn line (the built binary)", () => {
  let dir: string;
  let receiver: Receiver;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "recall-hooks-jr-"));
    await writeFile(join(dir, "journal.jsonl"), JOURNAL);
    receiver = await startReceiver(secret);
  });
  after(() => receiver.close());

  it("verify checks every delivery, ignores forward records and warns of the skipped lines: exit 0", async () => {
    const { code, stdout, stderr } = await runCli(["verify", "journal.jsonl", "--secret", secret], { cwd: dir });
    assert.equal(code, 0, stderr);
    assert.match(stderr, /journal\.jsonl: skipped 2 unreadable lines \(lines 3, 7\)/);
    assert.match(stderr, /3 of 3 valid/);
    assert.equal(stdout.trim().split("\n").length, 3);
  });

  it("replay --only-failed sends the delivery whose forward failed, and warns of the skipped lines", async () => {
    receiver.received.length = 0;
    const { code, stderr } = await runCli(["replay", "journal.jsonl", "--to", receiver.url, "--secret", secret, "--only-failed"], { cwd: dir });
    assert.equal(code, 0, stderr);
    assert.match(stderr, /skipped 2 unreadable lines \(lines 3, 7\)/);
    assert.deepEqual(receiver.received.map((r) => r.id), ["msg_3"]);
  });
});
