import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { deliveryLine, encodeBody, encodeParts } from "../src/deliveries/journal.js";
import type { AcceptedDelivery } from "../src/listen/listener.js";
import { listenerLine, listenerRecord } from "../src/output/listen.js";
import { parseDelivery } from "../src/recall/parse.js";

function delivery(over: Partial<AcceptedDelivery> & { text?: string; bytes?: Buffer } = {}): AcceptedDelivery {
  const body = over.bytes ?? Buffer.from(over.text ?? JSON.stringify({ event: "bot.fatal", data: { data: { code: "fatal", sub_code: "meeting_not_found", updated_at: "2026-12-01T00:00:00.000000Z" }, bot: { id: "8ef3d462-0000-4000-8000-000000000001", metadata: { n: "Zoë \"q\"" } } } }));
  return {
    key: "run1:7", seq: 7, id: "msg_1", receivedAt: Date.UTC(2026, 11, 1, 2, 3, 4, 5), path: "/hooks?x=\"1\"", body,
    headers: { "content-type": "application/json", "webhook-id": "msg_1", "x-multi": ["a", "b\u2028"], "x-name": "Zoë" },
    verified: true, scheme: "webhook", parsed: parseDelivery(body), duplicate: false, outOfOrderAfter: null, forwardTo: ["http://127.0.0.1:3000/a"],
    status: 204, reported: true, ...over,
  };
}

const cases: [string, AcceptedDelivery][] = [
  ["a signed status event", delivery()],
  ["no id, unverified, a duplicate out of order", delivery({ id: null, verified: null, scheme: null, duplicate: true, outOfOrderAfter: "done", forwardTo: [] })],
  ["a body that is not JSON", delivery({ text: "hello \u0000 \"there\"\n" })],
  ["a body that is not UTF-8", delivery({ bytes: Buffer.from([0xff, 0xfe, 0x00, 0x41]) })],
  ["an answer other than 204 and no headers", delivery({ status: 502, headers: {} })],
];

describe("a delivery's JSON lines, built from shared parts", () => {
  for (const [name, d] of cases) {
    it(`listen --json: ${name} reads as its record`, () => {
      const line = listenerLine({ type: "delivery", delivery: d });
      assert.equal(line, JSON.stringify(listenerRecord({ type: "delivery", delivery: d })));
    });
    it(`journal: ${name} reads as its record`, () => {
      const record = {
        type: "delivery", v: 1, key: d.key, seq: d.seq, id: d.id, received_at: new Date(d.receivedAt).toISOString(), method: "POST", path: d.path,
        headers: d.headers, ...encodeBody(d.body), verified: d.verified, scheme: d.scheme, event: d.parsed.event, bot_id: d.parsed.botId, duplicate: d.duplicate, forward_to: d.forwardTo,
      };
      assert.equal(deliveryLine(d), JSON.stringify(record));
    });
  }
});

describe("shared parts are never another delivery's", () => {
  it("two deliveries with one headers object each get their own body and time", () => {
    const headers = { "content-type": "application/json" };
    const a = delivery({ headers, text: '{"event":"bot.done"}' });
    const b = delivery({ headers, text: '{"event":"bot.fatal"}', receivedAt: a.receivedAt + 1000 });
    assert.match(deliveryLine(a), /bot\.done/);
    assert.match(deliveryLine(b), /bot\.fatal/);
    assert.equal(JSON.parse(listenerLine({ type: "delivery", delivery: b })).received_at, new Date(b.receivedAt).toISOString());
  });
});

describe("shared parts are made once per delivery, and only kept while recent", () => {
  it("a delivery's journal line and --json record use the same parts, and the record is made once", () => {
    const d = delivery();
    const copy: AcceptedDelivery = { ...d, status: 502 };
    assert.equal(encodeParts(d), encodeParts(copy));
    const first = listenerLine({ type: "delivery", delivery: d });
    assert.equal(listenerLine({ type: "delivery", delivery: d }), first);
    // What may differ between two records of one delivery is not taken from the one made before.
    assert.equal(JSON.parse(listenerLine({ type: "delivery", delivery: copy })).status, 502);
  });

  it("a delivery looked up after many others gets new parts with the same text", () => {
    const d = delivery();
    const before = encodeParts(d);
    for (let i = 0; i < 200; i += 1) encodeParts(delivery({ headers: { n: String(i) } }));
    const after = encodeParts(d);
    assert.notEqual(after, before);
    assert.deepEqual([after.headers, after.body, after.receivedAt], [before.headers, before.body, before.receivedAt]);
    assert.equal(listenerLine({ type: "delivery", delivery: d }), JSON.stringify(listenerRecord({ type: "delivery", delivery: d })));
  });

  it("large bodies are not kept past a few megabytes in all", () => {
    const big = (i: number): AcceptedDelivery => delivery({ headers: { n: String(i) }, text: JSON.stringify({ event: "bot.done", pad: "x".repeat(1024 * 1024) }) });
    const first = big(0);
    const before = encodeParts(first);
    for (let i = 1; i < 8; i += 1) encodeParts(big(i));
    assert.notEqual(encodeParts(first), before);
  });
});
