import assert from "node:assert/strict";
import { readFile, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startListener } from "../src/listen/listener.js";
import { formatBody } from "../src/recall/body-format.js";
import { buildEvent, newMessageId, serializeEvent } from "../src/recall/build.js";
import { generateSecret } from "../src/webhook/secret.js";
import { Signer } from "../src/webhook/sign.js";
import { ROOT, runCli } from "./helpers/cli.js";
import { type Receiver, startReceiver } from "./helpers/receiver.js";

const secret = generateSecret();
const DAY_MS = 86_400_000;

describe("simulate and replay (the built binary)", () => {
  let receiver: Receiver;
  before(async () => { receiver = await startReceiver(secret); });
  after(() => receiver.close());

  it("simulate lifecycle with no --to: a whole lifecycle verified by the embedded listener, exit 0", async () => {
    const { code, stdout, stderr } = await runCli(["simulate", "lifecycle", "--speed", "0"]);
    assert.equal(code, 0, stderr);
    const events = [...stdout.matchAll(/-->\s+(bot\.\w+)\s.*✓ webhook-\*/g)].map((m) => m[1]);
    assert.deepEqual(events, ["bot.joining_call", "bot.in_waiting_room", "bot.in_call_not_recording", "bot.recording_permission_allowed", "bot.in_call_recording", "bot.call_ended", "bot.done"]);
    assert.match(stdout, /all 7 deliveries were answered 2xx/);
    assert.match(stderr, /Embedded listener on http:\/\/127\.0\.0\.1:\d+/);
  });

  it("simulate --to a handler answering 500: exit 1, and the summary says so", async () => {
    const failing = await startReceiver(secret, () => 500);
    try {
      const { code, stdout } = await runCli(["simulate", "lifecycle", "--to", failing.url, "--scenario", "fatal", "--speed", "0"], { env: { RECALL_WEBHOOK_SECRET: secret } });
      assert.equal(code, 1);
      assert.match(stdout, /bot\.fatal\s+\w{8}\s+500/);
      assert.match(stdout, /2 non-2xx/);
      assert.match(stdout, /2 deliveries failed/);
      assert.match(stdout, /hint: the handler failed/);
      assert.ok(failing.received.every((r) => r.verified));
    } finally {
      await failing.close();
    }
  });

  it("simulate --json: a record per delivery and a summary; --duplicates 1 repeats each id", async () => {
    receiver.received.length = 0;
    const { code, stdout } = await runCli(
      ["simulate", "lifecycle", "--to", receiver.url, "--secret", secret, "--speed", "0", "--duplicates", "1", "--headers", "svix", "--metadata", "user=7", "--json"],
    );
    assert.equal(code, 0);
    const records = stdout.trim().split("\n").map((l) => JSON.parse(l) as { type: string; id: string; duplicate: boolean; ok: boolean });
    assert.equal(records.length, 15);
    assert.deepEqual(records.at(-1), { ...records.at(-1), type: "summary", ok: true, deliveries: 14, duplicates: 7, messages: 7 });
    assert.equal(receiver.received.length, 14);
    assert.ok(receiver.received.every((r) => r.verified && r.headers["svix-id"] !== undefined));
    assert.ok(receiver.received.every((r) => JSON.parse(r.text).data.bot.metadata.user === "7"));
  });

  it("usage errors exit 2 with the fix", async () => {
    const bad = await runCli(["simulate", "lifecycle", "--to", receiver.url, "--secret", secret, "--bot-id", "b", "--bots", "2"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--bot-id names one bot/);
    const noSecret = await runCli(["replay", "bot.fatal", "--to", receiver.url]);
    assert.equal(noSecret.code, 2);
    assert.match(noSecret.stderr, /RECALL_WEBHOOK_SECRET/);
  });

  it("replay bot.fatal from an empty folder sends the bundled fixture, verified at the target", async () => {
    receiver.received.length = 0;
    const empty = await mkdtemp(join(tmpdir(), "recall-hooks-empty-"));
    const { code, stdout, stderr } = await runCli(["replay", "bot.fatal", "--to", receiver.url], { cwd: empty, env: { RECALL_WEBHOOK_SECRET: secret } });
    assert.equal(code, 0, stderr);
    assert.equal(receiver.received.length, 1);
    const got = receiver.received[0]!;
    assert.equal(got.verified, true);
    assert.equal(got.event, "bot.fatal");
    // A fixture named by event type is the event, written as --body-format says (default spaced)...
    const file = await readFile(join(ROOT, "fixtures/events/bot.fatal.json"), "utf8");
    assert.equal(got.text, formatBody(JSON.parse(file), "spaced"));
    assert.match(stdout, /the delivery was answered 2xx/);
    // ...while a path is its bytes, sent as they are.
    receiver.received.length = 0;
    const byPath = await runCli(["replay", join(ROOT, "fixtures/events/bot.fatal.json"), "--to", receiver.url], { cwd: empty, env: { RECALL_WEBHOOK_SECRET: secret } });
    assert.equal(byPath.code, 0, byPath.stderr);
    assert.equal(receiver.received[0]!.text, file);
  });
});

describe("replay of listen's journal (written by the real listener a day ago)", () => {
  let receiver: Receiver;
  let journal: string;
  let ids: { id: string; event: string }[];
  before(async () => {
    receiver = await startReceiver(secret);
    ({ journal, ids } = await writeDayOldJournal());
  });
  after(() => receiver.close());

  it("every delivery verifies at the target, with a fresh timestamp and the same id", async () => {
    receiver.received.length = 0;
    const { code, stderr } = await runCli(["replay", journal, "--to", receiver.url, "--secret", secret]);
    assert.equal(code, 0, stderr);
    assert.deepEqual(receiver.received.map((r) => r.id), ids.map((x) => x.id));
    assert.ok(receiver.received.every((r) => r.verified));
    const nowSeconds = Date.now() / 1000;
    assert.ok(receiver.received.every((r) => Math.abs(nowSeconds - r.timestamp) < 120));
  });

  it("--only-failed sends only the deliveries whose forward failed", async () => {
    receiver.received.length = 0;
    const { code, stderr } = await runCli(["replay", journal, "--to", receiver.url, "--secret", secret, "--only-failed"]);
    assert.equal(code, 0, stderr);
    const failed = ids.filter((x) => x.event === "bot.fatal").map((x) => x.id);
    assert.equal(failed.length, 2);
    assert.deepEqual(receiver.received.map((r) => r.id), failed);
  });

  it("--raw sends the day-old headers untouched, so the target rejects them; --events filters", async () => {
    receiver.received.length = 0;
    const { code, stdout } = await runCli(["replay", journal, "--to", receiver.url, "--raw", "--events", "bot.joining_call"]);
    assert.equal(code, 1);
    assert.deepEqual(receiver.received.map((r) => r.id), ids.filter((x) => x.event === "bot.joining_call").map((x) => x.id));
    assert.ok(receiver.received.every((r) => !r.verified));
    assert.match(stdout, /401/);
  });
});

/** A listener whose clock runs a day behind journals four deliveries, forwarding to a target that fails bot.fatal. */
async function writeDayOldJournal(): Promise<{ journal: string; ids: { id: string; event: string }[] }> {
  const dir = await mkdtemp(join(tmpdir(), "recall-hooks-journal-"));
  const journal = join(dir, "journal.jsonl");
  const target = await startReceiver(secret, (r) => (r.event === "bot.fatal" ? 500 : 204), false);
  const dayAgo = (): number => Date.now() - DAY_MS;
  let forwards = 0;
  let forwarded = (): void => {};
  const allForwarded = new Promise<void>((resolve) => { forwarded = () => { forwards += 1; if (forwards === 4) resolve(); }; });
  const listener = await startListener({
    port: 0, signer: new Signer(secret), journalPath: journal, now: dayAgo, retryBaseMs: 3_600_000, retryMaxMs: 3_600_000,
    forward: [{ pattern: null, url: new URL(target.url) }],
    onEvent: (e) => { if (e.type === "forward") forwarded(); },
  });
  const signer = new Signer(secret);
  const ids: { id: string; event: string }[] = [];
  for (const [event, subCode] of [["bot.joining_call", undefined], ["bot.fatal", "meeting_not_found"], ["bot.joining_call", undefined], ["bot.fatal", "zoom_join_timeout"]] as const) {
    const id = newMessageId();
    const body = serializeEvent(buildEvent(event, { updatedAt: new Date(dayAgo()), ...(subCode && { subCode }) }));
    const signed = signer.sign(id, Math.floor(dayAgo() / 1000), body);
    const res = await fetch(listener.url, { method: "POST", headers: { "content-type": "application/json", ...signed.headers }, body });
    assert.equal(res.status, 204);
    ids.push({ id, event });
  }
  await allForwarded;
  await listener.close();
  await target.close();
  const text = await readFile(journal, "utf8");
  assert.equal(text.match(/"type":"forward"/g)?.length, 4);
  return { journal, ids };
}
