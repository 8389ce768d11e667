import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { describe, it } from "node:test";
import { Webhook } from "svix";
import { sign, Signer } from "../src/webhook/sign.js";
import { generateSecret, maskSecret, parseSecret } from "../src/webhook/secret.js";
import { readSignatureHeaders } from "../src/webhook/headers.js";

// The published Standard Webhooks / Svix known answer.
const KNOWN = {
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
};

function hmac(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  return `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
}

describe("sign", () => {
  it("reproduces the Standard Webhooks known answer", () => {
    const signed = sign(KNOWN);
    assert.equal(signed.signature, KNOWN.signature);
    assert.deepEqual(signed.headers, { "webhook-id": KNOWN.id, "webhook-timestamp": "1614265330", "webhook-signature": KNOWN.signature });
  });

  it("accepts the bare base64 secret", () => {
    assert.equal(sign({ ...KNOWN, secret: KNOWN.secret.slice(6) }).signature, KNOWN.signature);
  });

  for (const family of ["webhook", "svix"] as const) {
    it(`verifies in svix's Webhook.verify and against node:crypto HMAC (${family}-*)`, () => {
      const secret = generateSecret();
      const body = JSON.stringify({ event: "bot.done", data: { data: { code: "done", sub_code: null }, bot: { id: "b", metadata: { "ü": "✓" } } } });
      const timestamp = Math.floor(Date.now() / 1000);
      const signed = new Signer(secret).sign("msg_abc", timestamp, body, family);
      assert.deepEqual(Object.keys(signed.headers).sort(), [`${family}-id`, `${family}-signature`, `${family}-timestamp`]);
      assert.equal(signed.signature, hmac(secret, "msg_abc", timestamp, body));
      assert.deepEqual(new Webhook(secret).verify(body, signed.headers), JSON.parse(body));
    });
  }

  it("writes both families with --headers both", () => {
    const signed = sign({ ...KNOWN, headers: "both" });
    assert.equal(signed.headers["svix-signature"], KNOWN.signature);
    assert.equal(signed.headers["webhook-signature"], KNOWN.signature);
  });
});

describe("secrets", () => {
  it("generates 32 random bytes as whsec_", () => {
    const secret = generateSecret();
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.equal(parseSecret(secret).key.length, 32);
    assert.notEqual(generateSecret(), secret);
  });

  it("rejects empty and non-base64 secrets with a code per failure", () => {
    const codes = { "": "E_SECRET_EMPTY", "   ": "E_SECRET_EMPTY", whsec_: "E_SECRET_EMPTY", "whsec_not base64!": "E_SECRET_NOT_BASE64", whsec_abc: "E_SECRET_NOT_BASE64" };
    for (const [bad, code] of Object.entries(codes)) {
      assert.throws(() => parseSecret(bad), { code }, bad);
    }
  });

  it("trims trailing whitespace with a warning", () => {
    const parsed = parseSecret(`${KNOWN.secret}\n`);
    assert.equal(parsed.value, KNOWN.secret);
    assert.equal(parsed.warnings.length, 1);
  });

  it("masks all but four characters", () => {
    const masked = maskSecret(KNOWN.secret);
    assert.ok(masked.startsWith("whsec_MfKQ"));
    assert.ok(!masked.includes("LaSw"));
  });
});

describe("header reading", () => {
  it("is case-insensitive and prefers webhook-* over svix-*", () => {
    const seen = readSignatureHeaders({ "Webhook-Id": "a", "WEBHOOK-TIMESTAMP": "1", "webhook-Signature": "v1,x v1,y", "svix-id": "b" });
    assert.equal(seen.family, "webhook");
    assert.equal(seen.id, "a");
    assert.deepEqual(seen.signatures, ["v1,x", "v1,y"]);
  });

  it("keeps every signature of repeated headers, joined by node or as an array", () => {
    assert.deepEqual(readSignatureHeaders({ "svix-id": "a", "svix-timestamp": "1", "svix-signature": "v1,x, v1,y" }).signatures, ["v1,x", "v1,y"]);
    assert.deepEqual(readSignatureHeaders({ "svix-id": "a", "svix-timestamp": "1", "svix-signature": ["v1,x", "v1,y"] }).signatures, ["v1,x", "v1,y"]);
  });

  it("names missing headers", () => {
    assert.deepEqual(readSignatureHeaders({ "svix-id": "a" }).missing, ["svix-timestamp", "svix-signature"]);
  });
});
