import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Signer } from "../src/webhook/sign.js";
import { verify } from "../src/webhook/verify.js";
import { type HeaderInput, normalizeHeaders, readSignatureHeaders } from "../src/webhook/headers.js";
import { generateSecret } from "../src/webhook/secret.js";

const secret = generateSecret();
const signer = new Signer(secret);
const NOW = 1_750_000_000;
const now = (): number => NOW * 1000;
const body = JSON.stringify({ event: "bot.done", data: { data: { code: "done", sub_code: null, updated_at: "2025-06-15T15:06:40.000000Z" }, bot: { id: "b1", metadata: {} } } });

function signed(timestamp = NOW, family: "webhook" | "svix" = "webhook"): Record<string, string> {
  return signer.sign("msg_1", timestamp, body, family).headers;
}

describe("verify", () => {
  it("accepts a valid delivery in either family, with any header case", () => {
    assert.equal(verify({ secret, headers: signed(), body, now }).reason, "valid");
    const svix = verify({ secret, headers: signed(NOW, "svix"), body, now });
    assert.deepEqual([svix.valid, svix.scheme], [true, "svix"]);
    const upper = Object.fromEntries(Object.entries(signed()).map(([k, v]) => [k.toUpperCase(), v]));
    assert.equal(verify({ secret, headers: upper, body, now }).valid, true);
  });

  it("accepts the body as bytes", () => {
    assert.equal(verify({ secret, headers: signed(), body: Buffer.from(body), now }).valid, true);
  });

  it("says missing_headers when there are none, or some", () => {
    assert.equal(verify({ secret, headers: {}, body, now }).reason, "missing_headers");
    const some = verify({ secret, headers: { "webhook-id": "msg_1" }, body, now });
    assert.equal(some.reason, "missing_headers");
    assert.match(some.message, /webhook-timestamp, webhook-signature/);
  });

  it("says bad_secret for an unusable secret", () => {
    assert.equal(verify({ secret: "not base64!", headers: signed(), body, now }).reason, "bad_secret");
  });

  it("says no_matching_signature for another secret, and never prints the expected signature", () => {
    const result = verify({ secret: generateSecret(), headers: signed(), body, now });
    assert.equal(result.reason, "no_matching_signature");
    const expected = signer.signature("msg_1", NOW, body).slice(3);
    assert.ok(!result.message.includes(expected));
  });

  it("says timestamp_too_old and timestamp_too_new with the skew, at 300 s by default", () => {
    assert.equal(verify({ secret, headers: signed(NOW - 300), body, now }).valid, true);
    const old = verify({ secret, headers: signed(NOW - 301), body, now });
    assert.deepEqual([old.reason, old.skewSeconds], ["timestamp_too_old", 301]);
    assert.equal(verify({ secret, headers: signed(NOW + 301), body, now }).reason, "timestamp_too_new");
    assert.equal(verify({ secret, headers: signed(NOW - 3600), body, now, toleranceSeconds: 7200 }).valid, true);
    assert.equal(verify({ secret, headers: signed(NOW - 86400), body, now, ignoreTimestamp: true }).valid, true);
  });

  it("says body_changed when the JSON was re-serialised after signing", () => {
    const pretty = JSON.stringify(JSON.parse(body), null, 2);
    assert.equal(verify({ secret, headers: signed(), body: pretty, now }).reason, "body_changed");
    assert.equal(verify({ secret, headers: signed(), body: `${body}\n`, now }).reason, "body_changed");
  });

  it("accepts when any one of several signatures matches", () => {
    const headers = signed();
    headers["webhook-signature"] = `v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= ${headers["webhook-signature"]} v1a,zzz`;
    assert.equal(verify({ secret, headers, body, now }).valid, true);
  });

  it("says malformed_headers for a bad timestamp or no v1 entry", () => {
    assert.equal(verify({ secret, headers: { ...signed(), "webhook-timestamp": "yesterday" }, body, now }).reason, "malformed_headers");
    for (const timestamp of ["1234567890123456", "+1796127889", "1e9", "１７９６１２７８８９", "17961 27889"]) {
      assert.equal(verify({ secret, headers: { ...signed(), "webhook-timestamp": timestamp }, body, now }).reason, "malformed_headers", timestamp);
    }
    assert.equal(verify({ secret, headers: { ...signed(), "webhook-signature": "v2,abc" }, body, now }).reason, "malformed_headers");
  });
});

describe("readSignatureHeaders", () => {
  it("reads a plain record as it reads the same headers from a map (the listener's records take a shorter path)", () => {
    const usual = { "webhook-id": "msg_1", "webhook-timestamp": "1796127889", "webhook-signature": "v1,abc=" };
    const records: Record<string, string | string[]>[] = [
      usual,
      { "content-type": "application/json", ...usual, "svix-id": "msg_2", "svix-timestamp": "1", "svix-signature": "v1,def=" },
      { ...usual, "Webhook-Id": "msg_other" },
      { ...usual, "WEBHOOK-SIGNATURE": "v1,xyz=" },
      { ...usual, "webhook-id": "  msg_1  ", "webhook-timestamp": " 1796127889 " },
      { ...usual, "webhook-id": "   " },
      { ...usual, "webhook-signature": " , " },
      { ...usual, "webhook-signature": "v1,abc=, v1,def= v1a,zzz" },
      { ...usual, "webhook-id": ["msg_1", "msg_1"] },
      { ...usual, "webhook-id": ["msg_1", "msg_2"] },
      { ...usual, "webhook-signature": ["v1,abc=", "v1,def="] },
      { ...usual, "webhook-extra": "x" },
      { "webhook-id": "msg_1", "webhook-signature": "v1,abc=" },
      { "svix-id": "msg_1", "svix-timestamp": "1796127889", "svix-signature": "v1,abc=" },
      {},
    ];
    for (const record of records) {
      assert.deepEqual(readSignatureHeaders(record), readSignatureHeaders(normalizeHeaders(record) as unknown as HeaderInput), JSON.stringify(record));
    }
  });
});
