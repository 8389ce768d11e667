import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Webhook } from "svix";
import { LARGE_BODY_BYTES, TEST_BOT_PREFIX } from "../src/check/bodies.js";
import { percentile } from "../src/check/judge.js";
import { SERIES } from "../src/check/series.js";
import { CHECK_IDS, type PlanContext } from "../src/check/types.js";
import { newMessageId } from "../src/recall/build-parts.js";
import { generateSecret } from "../src/webhook/secret.js";
import { Signer } from "../src/webhook/sign.js";

// The series as data: every body marks itself as a test, and each check sends what it says.

function context(secret: string, now = Date.now()): PlanContext {
  return { signer: new Signer(secret), other: new Signer(generateSecret()), headers: "webhook", now, newId: newMessageId, random: () => crypto.randomUUID() };
}

const plans = (secret: string) => new Map(SERIES.map((spec) => [spec.id, spec.plan(context(secret))]));

function svixAccepts(secret: string, body: string, headers: Readonly<Record<string, string>>): boolean {
  try {
    new Webhook(secret).verify(body, headers);
    return true;
  } catch {
    return false;
  }
}

describe("the check series", () => {
  it("has every id once, in order, with a name, what it sends and expects, why and fix", () => {
    assert.deepEqual(SERIES.map((s) => s.id), [...CHECK_IDS]);
    for (const s of SERIES) for (const field of [s.name, s.sends, s.expected, s.why, s.fix]) assert.ok(field.length >= 3, s.id);
  });

  it("marks every body as a test: bot ids with the test prefix, recall_hooks_check in the bot's metadata", () => {
    for (const [id, sends] of plans(generateSecret())) {
      for (const send of sends) {
        const data = (JSON.parse(send.body) as { data: { bot?: { id: string; metadata: Record<string, unknown> }; bot_id?: string } }).data;
        const botId = data.bot?.id ?? data.bot_id;
        assert.ok(botId?.startsWith(TEST_BOT_PREFIX), `${id}: ${botId}`);
        if (data.bot_id === undefined) assert.equal(data.bot?.metadata["recall_hooks_check"], "true", id);
      }
    }
  });

  it("sends what svix accepts where a 2xx is expected, and what svix refuses where a 4xx is", () => {
    const secret = generateSecret();
    for (const spec of SERIES) {
      for (const send of spec.plan(context(secret))) {
        const expected = spec.judging === "reject" ? false : true;
        assert.equal(svixAccepts(secret, send.body, send.headers), expected, spec.id);
      }
    }
  });

  it("raw-body's body changes under parse then stringify; the others do not", () => {
    for (const [id, sends] of plans(generateSecret())) {
      for (const send of sends) {
        if (id === "rejects-tampered-body") continue;
        const roundTrip = JSON.stringify(JSON.parse(send.body)) === send.body;
        assert.equal(roundTrip, id !== "raw-body", id);
      }
    }
    const raw = plans(generateSecret()).get("raw-body")![0]!.body;
    assert.match(raw, /\\u00eb/);
    assert.match(raw, /", "/);
  });

  it("tampers one byte and keeps valid JSON; large-body is about 200 KB; the rest are what they say", () => {
    const all = plans(generateSecret());
    const tampered = all.get("rejects-tampered-body")![0]!;
    assert.doesNotThrow(() => JSON.parse(tampered.body));
    const size = Buffer.byteLength(all.get("large-body")![0]!.body);
    assert.ok(size > LARGE_BODY_BYTES * 0.95 && size <= LARGE_BODY_BYTES, String(size));
    assert.equal(all.get("answers-fast")!.length, 20);
    assert.equal(all.get("concurrency")!.length, 50);
    assert.equal(Object.keys(all.get("rejects-missing-signature")![0]!.headers).filter((h) => /^(webhook|svix)-/.test(h)).length, 0);
    assert.deepEqual(Object.keys(all.get("svix-headers")![0]!.headers).filter((h) => /-(id|timestamp|signature)$/.test(h)).sort(), ["svix-id", "svix-signature", "svix-timestamp"]);
    const [first, second] = all.get("duplicate")!;
    assert.equal(first!.headers["webhook-id"], second!.headers["webhook-id"]);
    assert.equal(first!.body, second!.body);
    const signatures = all.get("multiple-signatures")![0]!.headers["webhook-signature"]!.split(" ");
    assert.deepEqual(signatures.map((s) => s.slice(0, 3)), ["v2,", "v1,", "v1,"]);
    const [done, older] = all.get("out-of-order")!.map((s) => JSON.parse(s.body) as { event: string; data: { bot: { id: string }; data: { updated_at: string } } });
    assert.deepEqual([done!.event, older!.event], ["bot.done", "bot.in_call_recording"]);
    assert.equal(done!.data.bot.id, older!.data.bot.id);
    assert.ok(older!.data.data.updated_at < done!.data.data.updated_at);
  });

  it("with both header families, ordinary deliveries carry both and svix-headers still only svix-*", () => {
    const ctx = { ...context(generateSecret()), headers: "both" as const };
    const names = (id: string) => Object.keys(SERIES.find((s) => s.id === id)!.plan(ctx)[0]!.headers).filter((h) => /^(webhook|svix)-/.test(h)).sort();
    assert.deepEqual(names("accepts-valid"), ["svix-id", "svix-signature", "svix-timestamp", "webhook-id", "webhook-signature", "webhook-timestamp"]);
    assert.deepEqual(names("svix-headers"), ["svix-id", "svix-signature", "svix-timestamp"]);
  });

  it("signs stale and future deliveries 10 minutes away", () => {
    const now = 1_750_000_000_000;
    const at = (id: string) => Number(SERIES.find((s) => s.id === id)!.plan(context(generateSecret(), now))[0]!.headers["webhook-timestamp"]);
    assert.equal(at("rejects-stale"), now / 1000 - 600);
    assert.equal(at("rejects-future"), now / 1000 + 600);
  });

  it("takes the nearest-rank percentile", () => {
    assert.equal(percentile([5, 1, 4, 2, 3], 95), 5);
    assert.equal(percentile(Array.from({ length: 20 }, (_, i) => i + 1), 95), 19);
    assert.equal(percentile([], 95), 0);
  });
});

describe("check --timeout", () => {
  it("takes 15s, 500ms or seconds, from 10 ms to 600 s", async () => {
    const { parseTimeout } = await import("../src/commands/check.js");
    assert.deepEqual(["15s", "500ms", "2", "0.5", " 1.5s "].map(parseTimeout), [15_000, 500, 2_000, 500, 1_500]);
    for (const bad of ["3x", "0", "5ms", "601s", "", "-1", "1e3"]) assert.throws(() => parseTimeout(bad), /expected a time such as 15s/, bad);
  });
});
