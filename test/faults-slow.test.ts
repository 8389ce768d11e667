import assert from "node:assert/strict";
import type { Socket } from "node:net";
import { describe, it } from "node:test";
import { buildEvent, newMessageId, serializeEvent } from "../src/recall/build.js";
import { generateSecret } from "../src/webhook/secret.js";
import { Signer } from "../src/webhook/sign.js";
import { ListenProcess, post } from "./helpers/listen.js";
import { openSocket } from "./helpers/raw.js";

const secret = generateSecret();
const signer = new Signer(secret);

interface SlowClient {
  readonly socket: Socket;
  readonly closed: Promise<void>;
  isClosed: boolean;
  answer: string;
}

async function slowClient(port: number, first: string): Promise<SlowClient> {
  const socket = await openSocket(port);
  const client: SlowClient = {
    socket,
    isClosed: false,
    answer: "",
    closed: new Promise((resolve) => socket.on("close", () => { client.isClosed = true; resolve(); })),
  };
  socket.on("data", (c: Buffer) => { client.answer += c.toString("latin1"); });
  socket.on("error", () => {});
  if (first !== "") socket.write(first);
  return client;
}

describe("faults: slow clients", () => {
  // The slow clients are paced by the valid deliveries themselves: one more header byte after each
  // answered delivery. The listener must cut all three off (header timeout 300 ms, request
  // timeout 600 ms) while every valid delivery in the meantime is answered 204.
  it("cuts off a silent connection, headers sent a byte at a time and half a body, while valid deliveries flow", { timeout: 30_000 }, async () => {
    const listen = await ListenProcess.start(["--secret", secret, "--no-save", "--header-timeout", "300", "--body-timeout", "600"]);
    const port = Number(new URL(listen.ready.local_url).port);
    const headers = `POST /slow HTTP/1.1\r\nhost: 127.0.0.1\r\nwebhook-id: msg_drip\r\nx-pad: ${"a".repeat(14_000)}\r\n\r\n`;
    const silent = await slowClient(port, "");
    const drip = await slowClient(port, headers[0]!);
    const half = await slowClient(port, `POST /half HTTP/1.1\r\nhost: 127.0.0.1\r\nwebhook-id: msg_half\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n${"{".repeat(500)}`);
    let dripped = 1;
    const statuses = new Map<number, number>();
    let sent = 0;
    while (!(silent.isClosed && drip.isClosed && half.isClosed)) {
      const body = serializeEvent(buildEvent("bot.in_call_recording"));
      const signed = signer.sign(newMessageId(), Math.floor(Date.now() / 1000), body);
      const { status } = await post(listen.ready.local_url, signed.headers, body);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      sent += 1;
      if (!drip.isClosed && dripped < headers.length) drip.socket.write(headers[dripped++]!);
    }
    await Promise.all([silent.closed, drip.closed, half.closed]);
    assert.deepEqual([...statuses], [[204, sent]], "every valid delivery meanwhile was answered 204");
    assert.ok(dripped < headers.length, `the dripping client was cut off before its headers were complete (${dripped} of ${headers.length} bytes)`);
    for (const [name, client] of [["silent", silent], ["drip", drip], ["half", half]] as const) {
      assert.match(client.answer, /^(HTTP\/1\.1 408 |$)/, `${name} got a 408 or nothing`);
    }
    assert.match(half.answer, /^HTTP\/1\.1 408 /);
    // Neither slow request became a delivery; the listener still takes one.
    const last = serializeEvent(buildEvent("bot.done"));
    const signed = signer.sign(newMessageId(), Math.floor(Date.now() / 1000), last);
    assert.equal((await post(listen.ready.local_url, signed.headers, last)).status, 204);
    await listen.waitFor((r) => r.type === "event" && r.id === signed.id);
    assert.equal(listen.records.filter((r) => r.type === "event" && (r.id === "msg_drip" || r.id === "msg_half")).length, 0);
    assert.equal(await listen.stop(), 130);
  });
});
