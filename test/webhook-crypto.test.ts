import assert from "node:assert/strict";
import { createHmac, randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import * as lite from "../src/webhook/crypto-lite.js";
import * as node from "../src/webhook/crypto.js";

// src/webhook/crypto.ts (node:crypto, the long-running commands) and src/webhook/crypto-lite.ts
// (fast-sha256 and /dev/urandom, the short commands' bundle) must give the same answers.

describe("crypto for the short commands (crypto-lite) and the rest (node:crypto)", () => {
  it("HMAC-SHA256: the same digest as createHmac (and its base64), for keys, parts and lengths of every kind", () => {
    const texts = ["", "msg_2Lh9.1731705121.", "lone surrogates \uD800 and \uDFFF", '{"event":"bot.done","data":{"name":"Zoë Ødegaard 会议"}}', "x".repeat(55), "y".repeat(64), "z".repeat(10_000)];
    for (let round = 0; round < 200; round += 1) {
      const key = randomBytes(round % 70);
      const parts: (string | Uint8Array)[] = round % 3 === 0 ? [texts[round % texts.length]!] : [texts[round % texts.length]!, randomBytes(round * 37 % 3000)];
      const expected = parts.reduce((h, p) => h.update(p), createHmac("sha256", key)).digest();
      assert.deepEqual(node.hmacSha256(key, parts), expected);
      assert.deepEqual(lite.hmacSha256(key, parts), expected, `round ${round}`);
      assert.equal(node.hmacSha256Base64(key, parts), expected.toString("base64"));
      assert.equal(lite.hmacSha256Base64(key, parts), expected.toString("base64"), `round ${round}`);
    }
  });

  it("random bytes fill the whole buffer and differ between calls", () => {
    for (const impl of [node, lite]) {
      const a = impl.fillRandom(new Uint8Array(4096));
      const b = impl.fillRandom(Buffer.alloc(4096));
      assert.notDeepEqual(Buffer.from(a), b);
      // Each byte value about 16 times in 4096 bytes: none missing from both halves would be absurd.
      assert.ok(new Set(a.subarray(2048)).size > 200 && new Set(a.subarray(0, 2048)).size > 200, "the buffer is filled throughout");
    }
  });

  it("UUIDs are random version 4, RFC 4122 variant", () => {
    for (const impl of [node, lite]) {
      const ids = new Set(Array.from({ length: 500 }, () => impl.uuid()));
      assert.equal(ids.size, 500);
      for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it("byte comparison: equal, unequal anywhere, and a length mismatch is a RangeError", () => {
    for (const impl of [node, lite]) {
      const a = randomBytes(32);
      assert.equal(impl.sameBytes(a, Buffer.from(a)), true);
      for (const at of [0, 17, 31]) {
        const b = Buffer.from(a);
        b[at] = b[at]! ^ 1;
        assert.equal(impl.sameBytes(a, b), false);
      }
      assert.throws(() => impl.sameBytes(a, a.subarray(1)), RangeError);
    }
  });
});
