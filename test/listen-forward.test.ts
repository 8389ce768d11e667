import assert from "node:assert/strict";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { Webhook } from "svix";
import { type ListenerEvent, startListener } from "../src/listen/listener.js";
import { buildEvent, newMessageId, serializeEvent } from "../src/recall/build.js";
import { generateSecret } from "../src/webhook/secret.js";
import { Signer } from "../src/webhook/sign.js";
import { post, Target } from "./helpers/listen.js";

const secret = generateSecret();
const signer = new Signer(secret);
const nowSeconds = (): number => Math.floor(Date.now() / 1000);

function signed(event: string, timestamp = nowSeconds(), id = newMessageId()) {
  const body = serializeEvent(buildEvent(event));
  return { id, body, headers: signer.sign(id, timestamp, body).headers };
}

async function journalPath(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), "rh-fwd-")), "journal.jsonl");
}

function collector() {
  const events: ListenerEvent[] = [];
  const waiters: (() => void)[] = [];
  return {
    events,
    onEvent: (e: ListenerEvent) => { events.push(e); for (const w of waiters.splice(0)) w(); },
    async until(check: (events: ListenerEvent[]) => boolean): Promise<void> {
      while (!check(events)) await new Promise<void>((resolve) => waiters.push(resolve));
    },
  };
}

describe("forwarding (startListener in-process)", () => {
  it("re-signs a forward whose signature would be stale on arrival: same id, fresh timestamp, same bytes", async () => {
    const target = await new Target().listen();
    const listener = await startListener({ signer, journalPath: null, forward: [{ pattern: null, url: new URL(target.url) }] });
    // 280 s old: inside the 300 s tolerance when it arrives, past the 270 s mark where forwards are re-signed.
    const old = signed("bot.done", nowSeconds() - 280);
    const fresh = signed("bot.joining_call", nowSeconds() - 5);
    assert.equal((await post(listener.url, old.headers, old.body)).status, 204);
    assert.equal((await post(listener.url, fresh.headers, fresh.body)).status, 204);
    const got = await target.waitForRequests(2);
    const oldGot = got.find((r) => r.headers["webhook-id"] === old.id)!;
    const freshGot = got.find((r) => r.headers["webhook-id"] === fresh.id)!;
    assert.ok(Number(oldGot.headers["webhook-timestamp"]) > Number(old.headers["webhook-timestamp"]), "fresh timestamp");
    assert.equal(oldGot.body.toString(), old.body);
    assert.ok(new Webhook(secret).verify(oldGot.body.toString(), oldGot.headers as Record<string, string>));
    assert.equal(freshGot.headers["webhook-timestamp"], fresh.headers["webhook-timestamp"], "a fresh one keeps its signature");
    await listener.close();
    await target.close();
  });

  it("routes event types to their targets and reports only --events matches, journaling everything", async () => {
    const bots = await new Target().listen();
    const media = await new Target().listen();
    const journal = await journalPath();
    const seen = collector();
    const listener = await startListener({
      signer, journalPath: journal, events: ["bot.*", "recording.*"], onEvent: seen.onEvent,
      forward: [{ pattern: "bot.*", url: new URL(bots.url) }, { pattern: "recording.*,transcript.*", url: new URL(media.url) }],
    });
    const sent = ["bot.done", "recording.done", "transcript.done", "calendar.update"].map((e) => signed(e));
    for (const d of sent) assert.equal((await post(listener.url, d.headers, d.body)).status, 204);
    await bots.waitForRequests(1);
    await media.waitForRequests(1);
    await seen.until((events) => events.filter((e) => e.type === "delivery").length === 2);
    await listener.close();
    assert.deepEqual(bots.requests.map((r) => r.headers["webhook-id"]), [sent[0]!.id]);
    assert.deepEqual(media.requests.map((r) => r.headers["webhook-id"]), [sent[1]!.id], "transcript.done is filtered out by --events");
    const lines = (await readFile(journal, "utf8")).trim().split("\n").map((l) => JSON.parse(l) as { type: string; event: string });
    assert.deepEqual(lines.filter((l) => l.type === "delivery").map((l) => l.event), ["bot.done", "recording.done", "transcript.done", "calendar.update"]);
    await bots.close();
    await media.close();
  });

  it("--pass-through answers with the target's status", async () => {
    const target = await new Target().listen();
    target.respond = () => ({ status: 500, body: "boom" });
    const listener = await startListener({ signer, journalPath: null, passThrough: true, forward: [{ pattern: null, url: new URL(target.url) }], retryBaseMs: 60_000 });
    const d = signed("bot.fatal");
    assert.equal((await post(listener.url, d.headers, d.body)).status, 500);
    target.respond = () => ({ status: 202 });
    const e = signed("bot.done");
    assert.equal((await post(listener.url, e.headers, e.body)).status, 202);
    await listener.close();
    await target.close();
  });

  it("answers 503 when the journal cannot be written, so the sender retries", async () => {
    const seen = collector();
    const listener = await startListener({ signer, journalPath: "/dev/full", onEvent: seen.onEvent });
    const d = signed("bot.done");
    assert.equal((await post(listener.url, d.headers, d.body)).status, 503);
    await seen.until((events) => events.some((e) => e.type === "rejected"));
    const rejected = seen.events.find((e) => e.type === "rejected");
    assert.equal(rejected?.type === "rejected" && rejected.reason, "journal_failed");
    await listener.close();
  });

  it("sends forwards a previous run still owed when it starts again with the same journal", async () => {
    const journal = await journalPath();
    const down = await new Target().listen();
    const port = down.port;
    await down.close();
    const first = collector();
    const url = new URL(`http://127.0.0.1:${port}/hook`);
    const one = await startListener({ signer, journalPath: journal, forward: [{ pattern: null, url }], retryBaseMs: 60_000, onEvent: first.onEvent });
    const d = signed("bot.done");
    assert.equal((await post(one.url, d.headers, d.body)).status, 204);
    await first.until((events) => events.some((e) => e.type === "forward"));
    const summary = await one.close();
    assert.equal(summary.forwardsOwed, 1);

    const up = await new Target().listen(port);
    const second = collector();
    const two = await startListener({ signer, journalPath: journal, forward: [{ pattern: null, url }], onEvent: second.onEvent });
    assert.equal(await two.resumed, 1);
    await up.waitForRequests(1);
    await second.until((events) => events.some((e) => e.type === "forward" && e.outcome.result.ok));
    assert.ok(second.events.some((e) => e.type === "resumed" && e.count === 1));
    assert.equal(up.requests[0]!.headers["webhook-id"], d.id);
    await two.close();
    // A third start owes nothing.
    const third = collector();
    const three = await startListener({ signer, journalPath: journal, forward: [{ pattern: null, url }], onEvent: third.onEvent });
    assert.equal(await three.resumed, 0);
    await three.close();
    assert.ok(!third.events.some((e) => e.type === "resumed"));
    assert.equal(up.requests.length, 1);
    await up.close();
  });
});
