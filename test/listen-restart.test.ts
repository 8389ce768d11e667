import assert from "node:assert/strict";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { connect } from "node:net";
import { type ListenerEvent, startListener } from "../src/listen/listener.js";
import type { ListenSummary } from "../src/listen/stats.js";
import { buildEvent, newMessageId, serializeEvent } from "../src/recall/build.js";
import { generateSecret } from "../src/webhook/secret.js";
import { Signer } from "../src/webhook/sign.js";
import { post, Target } from "./helpers/listen.js";

const signer = new Signer(generateSecret());
const nowSeconds = (): number => Math.floor(Date.now() / 1000);

function signed(event: string, options: { id?: string; botId?: string; updatedAt?: Date } = {}) {
  const body = serializeEvent(buildEvent(event, { ...(options.botId && { botId: options.botId }), ...(options.updatedAt && { updatedAt: options.updatedAt }) }));
  const id = options.id ?? newMessageId();
  return { id, body, headers: signer.sign(id, nowSeconds(), body).headers };
}

async function journalPath(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), "rh-restart-")), "journal.jsonl");
}

function deliveries(events: ListenerEvent[]) {
  return events.flatMap((e) => (e.type === "delivery" ? [e.delivery] : []));
}

describe("listener across restarts and edge cases (in-process)", () => {
  it("starts a clean line after a torn last line, so the next delivery stays readable", async () => {
    const journal = await journalPath();
    await writeFile(journal, '{"type":"delivery","v":1,"key":"torn');
    const listener = await startListener({ signer, journalPath: journal });
    const d = signed("bot.done");
    assert.equal((await post(listener.url, d.headers, d.body)).status, 204);
    await listener.close();
    const lines = (await readFile(journal, "utf8")).split("\n");
    assert.equal(lines[0], '{"type":"delivery","v":1,"key":"torn');
    assert.equal((JSON.parse(lines[1]!) as { id: string }).id, d.id);
  });

  it("marks a retry that arrives after a restart as a duplicate", async () => {
    const journal = await journalPath();
    const d = signed("bot.in_call_recording");
    const one = await startListener({ signer, journalPath: journal });
    await post(one.url, d.headers, d.body);
    await one.close();
    const events: ListenerEvent[] = [];
    const two = await startListener({ signer, journalPath: journal, onEvent: (e) => events.push(e) });
    await post(two.url, signer.sign(d.id, nowSeconds(), d.body).headers, d.body);
    await two.close();
    assert.deepEqual(deliveries(events).map((x) => x.duplicate), [true]);
  });

  it("keeps recording.done out of the bot's status timeline", async () => {
    const events: ListenerEvent[] = [];
    const listener = await startListener({ signer, onEvent: (e) => events.push(e) });
    const botId = "0b85d2f9-d54a-47f6-b28d-4c63229f4035";
    const at = (s: number): Date => new Date(Date.UTC(2025, 0, 1, 10, 0, s));
    for (const [event, second] of [["bot.call_ended", 1], ["recording.done", 2], ["bot.done", 3]] as const) {
      const d = signed(event, { botId, updatedAt: at(second) });
      await post(listener.url, d.headers, d.body);
    }
    await listener.close();
    assert.deepEqual(deliveries(events).map((x) => x.outOfOrderAfter), [null, null, null]);
  });

  it("under --pass-through, forwards a sender's retry again until the target has taken it", async () => {
    const target = await new Target().listen();
    let status = 500;
    target.respond = () => ({ status });
    const listener = await startListener({ signer, passThrough: true, forward: [{ pattern: null, url: new URL(target.url) }] });
    const d = signed("bot.done");
    const again = (): ReturnType<typeof post> => post(listener.url, signer.sign(d.id, nowSeconds(), d.body).headers, d.body);
    assert.equal((await post(listener.url, d.headers, d.body)).status, 500);
    status = 200;
    assert.equal((await again()).status, 200);
    assert.equal((await again()).status, 204, "taken: a third copy is only a duplicate");
    await listener.close();
    assert.equal(target.requests.length, 2, "no background retry besides the sender's");
    await target.close();
  });

  it("counts a forward cut off at shutdown as still owed", async () => {
    const target = await new Target().listen();
    target.respond = () => "hang";
    const listener = await startListener({ signer, forward: [{ pattern: null, url: new URL(target.url) }] });
    const d = signed("bot.done");
    await post(listener.url, d.headers, d.body);
    await target.waitForRequests(1);
    const summary = await listener.close();
    assert.equal(summary.forwardsOwed, 1);
    await target.close();
  });

  it("counts in its summary a delivery whose sender hung up before the answer", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rh-hangup-"));
    let closing = null as Promise<ListenSummary> | null;
    // The listener is told to stop while the delivery's journal line is being written: the server can
    // close (its only client has gone) before the delivery is answered and reported.
    const listener = await startListener({ signer, journalPath: join(dir, "j.jsonl"), onJournaled: () => { closing ??= listener.close(); } });
    const d = signed("bot.done");
    const socket = connect(listener.port, "127.0.0.1");
    socket.on("error", () => {});
    socket.end(`POST / HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n${Object.entries(d.headers).map(([k, v]) => `${k}: ${v}\r\n`).join("")}content-length: ${Buffer.byteLength(d.body)}\r\n\r\n${d.body}`);
    while (closing === null) await new Promise((resolve) => setTimeout(resolve, 5));
    const summary = await closing;
    assert.equal(summary.deliveries, 1);
    assert.equal((await readFile(join(dir, "j.jsonl"), "utf8")).split("\n").filter((l) => l.includes('"type":"delivery"')).length, 1);
  });
});
