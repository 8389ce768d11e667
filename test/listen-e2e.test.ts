import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFile, mkdtemp } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Webhook } from "svix";
import { buildEvent, newMessageId, serializeEvent } from "../src/recall/build.js";
import { generateSecret } from "../src/webhook/secret.js";
import { Signer } from "../src/webhook/sign.js";
import { runCli } from "./helpers/cli.js";
import { ListenProcess, post, Target } from "./helpers/listen.js";

const secret = generateSecret();
const signer = new Signer(secret);
const nowSeconds = (): number => Math.floor(Date.now() / 1000);
const sha = (b: Buffer | string): string => createHash("sha256").update(b).digest("hex");

function delivery(event = "bot.in_call_recording", options: { id?: string; family?: "webhook" | "svix"; timestamp?: number; by?: Signer } = {}) {
  const body = serializeEvent(buildEvent(event));
  const id = options.id ?? newMessageId();
  const signed = (options.by ?? signer).sign(id, options.timestamp ?? nowSeconds(), body, options.family ?? "webhook");
  return { id, body, headers: signed.headers };
}

async function tempJournal(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), "rh-listen-")), "journal.jsonl");
}

describe("listen (the built binary, real HTTP)", () => {
  let target: Target;
  let listen: ListenProcess;
  let journal: string;

  before(async () => {
    target = await new Target().listen();
    journal = await tempJournal();
    listen = await ListenProcess.start(["--secret", secret, "--save", journal, "--forward-to", target.url, "--max-body", "4096"]);
  });
  after(async () => {
    await listen.stop();
    await target.close();
  });

  it("accepts both header families and forwards the exact bytes with headers svix verifies", async () => {
    const a = delivery("bot.joining_call", { family: "webhook" });
    const b = delivery("bot.done", { family: "svix" });
    assert.equal((await post(`${listen.ready.local_url}hooks`, a.headers, a.body)).status, 204);
    assert.equal((await post(`${listen.ready.local_url}hooks`, b.headers, b.body)).status, 204);
    const events = await listen.waitForCount((r) => r.type === "event" && (r.id === a.id || r.id === b.id), 2);
    assert.deepEqual(events.map((e) => [e.verified, e.scheme]), [[true, "webhook"], [true, "svix"]]);
    const requests = await target.waitForRequests(2);
    for (const sent of [a, b]) {
      const got = requests.find((r) => r.headers["webhook-id"] === sent.id || r.headers["svix-id"] === sent.id);
      assert.ok(got, `forwarded ${sent.id}`);
      assert.equal(sha(got.body), sha(sent.body));
      assert.ok(new Webhook(secret).verify(got.body.toString(), got.headers as Record<string, string>));
      assert.equal(got.path, "/webhooks/recall");
    }
  });

  it("answers 401/401/401/400/413 to a wrong secret, a stale timestamp, a changed body, no headers, an oversized body, and forwards none", async () => {
    const before = target.requests.length;
    const wrong = delivery("bot.fatal", { by: new Signer(generateSecret()) });
    const stale = delivery("bot.fatal", { timestamp: nowSeconds() - 3600 });
    const changed = delivery("bot.fatal");
    const big = delivery("bot.fatal");
    const cases: [string, Record<string, string>, string, number][] = [
      ["wrong secret", wrong.headers, wrong.body, 401],
      ["stale", stale.headers, stale.body, 401],
      ["changed", changed.headers, changed.body.replace("fatal", "fatai"), 401],
      ["no headers", {}, changed.body, 400],
      ["oversized", big.headers, big.body + " ".repeat(5000), 413],
    ];
    for (const [label, headers, body, status] of cases) {
      assert.equal((await post(listen.ready.local_url, headers, body)).status, status, label);
    }
    const rejected = await listen.waitForCount((r) => r.type === "event" && r.verified === false, 5);
    assert.deepEqual(rejected.slice(-5).map((r) => r.reason), ["no_matching_signature", "timestamp_too_old", "no_matching_signature", "missing_headers", "too_large"]);
    // A valid delivery after them is forwarded; none of the rejected ones were.
    const ok = delivery("bot.call_ended");
    assert.equal((await post(listen.ready.local_url, ok.headers, ok.body)).status, 204);
    const requests = await target.waitForRequests(before + 1);
    assert.equal(requests.length, before + 1);
    assert.equal(requests.at(-1)!.headers["webhook-id"], ok.id);
  });

  it("writes event records that carry the delivery, so `verify` can check an event line", async () => {
    const d = delivery("bot.fatal");
    assert.equal((await post(listen.ready.local_url, d.headers, d.body)).status, 204);
    const record = await listen.waitFor((r) => r.type === "event" && r.id === d.id);
    assert.equal(record.body, d.body);
    const checked = await runCli(["verify", "-", "--secret", secret, "--json"], { input: JSON.stringify(record) });
    assert.equal(checked.code, 0, checked.stderr);
    assert.equal((JSON.parse(checked.stdout) as { reason: string }).reason, "valid");
  });

  it("accepts a correctly signed body that is not JSON, and journals it", async () => {
    const body = "plain text, not json";
    const id = newMessageId();
    const headers = signer.sign(id, nowSeconds(), body).headers;
    assert.equal((await post(listen.ready.local_url, headers, body)).status, 204);
    const record = await listen.waitFor((r) => r.type === "event" && r.id === id);
    assert.equal(record.verified, true);
    assert.equal(record.event, null);
    const lines = (await readFile(journal, "utf8")).trim().split("\n").map((l) => JSON.parse(l) as { id?: string; body?: string });
    assert.equal(lines.find((l) => l.id === id)?.body, body);
  });

  it("marks a duplicate and forwards it once", async () => {
    const d = delivery("bot.in_waiting_room");
    const resigned = signer.sign(d.id, nowSeconds(), d.body).headers;
    assert.equal((await post(listen.ready.local_url, d.headers, d.body)).status, 204);
    await target.waitForRequests(target.requests.length + 1);
    assert.equal((await post(listen.ready.local_url, resigned, d.body)).status, 204);
    const events = await listen.waitForCount((r) => r.type === "event" && r.id === d.id, 2);
    assert.deepEqual(events.map((e) => e.duplicate), [false, true]);
    // One more delivery makes sure anything the duplicate could have caused has arrived.
    const marker = delivery("bot.done");
    await post(listen.ready.local_url, marker.headers, marker.body);
    await listen.waitFor((r) => r.type === "forward" && r.id === marker.id);
    assert.equal(target.requests.filter((r) => r.headers["webhook-id"] === d.id).length, 1);
  });

  it("flags a status that arrives out of order", async () => {
    const botId = "0b85d2f9-d54a-47f6-b28d-4c63229f4035";
    const later = serializeEvent(buildEvent("bot.call_ended", { botId, updatedAt: new Date("2025-01-01T10:05:00Z") }));
    const earlier = serializeEvent(buildEvent("bot.in_call_recording", { botId, updatedAt: new Date("2025-01-01T10:01:00Z") }));
    for (const body of [later, earlier]) await post(listen.ready.local_url, signer.sign(newMessageId(), nowSeconds(), body).headers, body);
    const flagged = await listen.waitFor((r) => r.type === "event" && r.bot_id === botId && r.code === "in_call_recording");
    assert.deepEqual([flagged.out_of_order, flagged.out_of_order_after], [true, "call_ended"]);
  });
});

describe("listen: durability and slow peers", () => {
  it("keeps a delivery answered 2xx in the journal when killed with SIGKILL right after", async () => {
    const journal = await tempJournal();
    const listen = await ListenProcess.start(["--secret", secret, "--save", journal]);
    const d = delivery("bot.done");
    assert.equal((await post(listen.ready.local_url, d.headers, d.body)).status, 204);
    // The process that listens, not the command waiting for it (src/respawn.ts).
    process.kill(listen.ready.pid, "SIGKILL");
    await listen.exited;
    const text = await readFile(journal, "utf8");
    const record = text.trim().split("\n").map((l) => JSON.parse(l) as { id: string; body: string }).find((r) => r.id === d.id);
    assert.ok(record, "the delivery is in the journal");
    assert.equal(record.body, d.body);
  });

  it("delivers everything once to a target that is down and then comes up, and shows the retries", async () => {
    const target = new Target();
    await target.listen();
    const port = target.port;
    await target.close();
    const listen = await ListenProcess.start(["--secret", secret, "--no-save", "--forward-to", `http://127.0.0.1:${port}/hook`, "--retry-base", "50"]);
    const sent = [delivery("bot.joining_call"), delivery("bot.in_call_recording"), delivery("bot.done")];
    for (const d of sent) assert.equal((await post(listen.ready.local_url, d.headers, d.body)).status, 204);
    await listen.waitForCount((r) => r.type === "forward" && r.ok === false && (r.attempt as number) >= 2, 3);
    const revived = new Target();
    await revived.listen(port);
    await listen.waitForCount((r) => r.type === "forward" && r.ok === true, 3);
    assert.equal(await listen.stop(), 130);
    const ids = revived.requests.map((r) => r.headers["webhook-id"]).sort();
    assert.deepEqual(ids, sent.map((d) => d.id).sort());
    await revived.close();
  });

  // The target never answers and the forward timeout is ten minutes: if the listener waited for
  // the target, the sender's answer would not come before the test's own timeout.
  it("answers the sender while a forward target has accepted the connection and never answers", { timeout: 20_000 }, async () => {
    const target = new Target();
    target.respond = () => "hang";
    await target.listen();
    const listen = await ListenProcess.start(["--secret", secret, "--no-save", "--forward-to", target.url, "--forward-timeout", "600000"]);
    const d = delivery("bot.done");
    const answer = await post(listen.ready.local_url, d.headers, d.body);
    assert.equal(answer.status, 204);
    await target.waitForRequests(1);
    await listen.stop();
    await target.close();
  });

  it("serves valid deliveries while a client sends its headers one byte at a time, then cuts that client off", async () => {
    const listen = await ListenProcess.start(["--secret", secret, "--no-save", "--header-timeout", "1000", "--body-timeout", "2000"]);
    const url = new URL(listen.ready.local_url);
    const slow = connect(Number(url.port), "127.0.0.1");
    await new Promise<void>((resolve) => slow.on("connect", () => resolve()));
    let answer = "";
    slow.on("data", (c: Buffer) => { answer += c.toString(); });
    const cutOff = new Promise<void>((resolve) => slow.on("close", () => resolve()));
    const request = "POST /slow HTTP/1.1\r\nHost: x\r\nwebhook-id: msg_slow\r\n";
    let i = 0;
    const drip = setInterval(() => { if (i < request.length && !slow.destroyed) slow.write(request[i++]!); }, 50);
    slow.write(request[i++]!);
    for (const event of ["bot.joining_call", "bot.in_call_recording", "bot.done"]) {
      const d = delivery(event);
      assert.equal((await post(listen.ready.local_url, d.headers, d.body)).status, 204);
    }
    await cutOff;
    clearInterval(drip);
    assert.ok(i < request.length, "cut off before it finished its headers");
    assert.match(answer, /^HTTP\/1\.1 408/);
    await listen.stop();
  });

  it("exits 143 on SIGTERM, after the summary", async () => {
    const listen = await ListenProcess.start(["--secret", secret, "--no-save"]);
    assert.equal(await listen.stop("SIGTERM"), 143);
    assert.equal(listen.records.at(-1)?.type, "summary");
  });

  it("rejects a bad --public-url with a usage error, without hanging", async () => {
    const result = await runCli(["listen", "--port", "0", "--no-save", "--public-url", "nope"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--public-url takes a full URL/);
  });
});

describe("listen: tunnels", () => {
  it("reports a real ngrok start that cannot reach ngrok in one line and keeps serving locally", async () => {
    const closed = new Target();
    await closed.listen();
    const port = closed.port;
    await closed.close();
    const listen = await ListenProcess.start(["--secret", secret, "--no-save", "--ngrok-server-addr", `127.0.0.1:${port}`], { NGROK_AUTHTOKEN: "2abc_not_a_real_token" });
    const failed = await listen.waitFor((r) => r.type === "tunnel" && r.state === "failed");
    assert.match(String(failed.error), /ngrok could not reach its servers/);
    assert.equal(listen.ready.public_url, null);
    const d = delivery("bot.done");
    assert.equal((await post(listen.ready.local_url, d.headers, d.body)).status, 204);
    assert.equal(await listen.stop(), 130);
    assert.ok(listen.records.some((r) => r.type === "summary" && r.deliveries === 1));
  });
});
