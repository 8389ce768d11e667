import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { renderEventTable, renderSubCodes } from "../src/output/catalog.js";
import { EVENT_COLUMN } from "../src/output/columns.js";
import { renderDeliveryResult } from "../src/output/delivery.js";
import { plural } from "../src/output/format.js";
import { renderDeliveryRecord, renderRepeatedAnswers, renderRunSummary } from "../src/output/report.js";
import { renderCurl, renderHttp, renderSignedHeaders } from "../src/output/request.js";
import { PLAIN } from "../src/output/style.js";
import { renderVerdict } from "../src/output/verdict.js";
import { EVENTS, findEvent, subCodesFor } from "../src/recall/catalog.js";
import type { RunSummary } from "../src/simulate/report.js";
import type { SignedRequest } from "../src/webhook/sign.js";
import type { VerifyResult } from "../src/webhook/verify.js";

// Renderers return strings; these pin what a user reads, with colour off.

const summary: RunSummary = {
  deliveries: 7, messages: 6, duplicates: 1, retries: 0, non2xx: 0, errors: 0, failed: 0,
  latency: { p50: 2.41, p95: 12, max: 40.2 }, overLimit: 0, lanes: 1, failedLanes: [], durationMs: 1234, interrupted: false,
  unsentLanes: 0, stopped: null, ok: true,
};

describe("renderers as strings", () => {
  it("the run summary of simulate and replay", () => {
    assert.deepEqual(renderRunSummary(summary, PLAIN), [
      "",
      "Summary",
      "  deliveries   7 (6 messages, 1 duplicate)",
      "  answers      0 non-2xx, 0 errors",
      "  latency      p50 2.4 ms  p95 12 ms  max 40 ms",
      "  over 15 s    0",
      "  bots         1 ok, 0 failed",
      "all 7 deliveries were answered 2xx in 1234 ms",
    ]);
    const failed = renderRunSummary({ ...summary, deliveries: 1, messages: 1, duplicates: 0, non2xx: 1, failed: 1, failedLanes: ["8ef3d462"], ok: false }, PLAIN, "inputs");
    assert.deepEqual(failed.slice(2), [
      "  deliveries   1 (1 message)",
      "  answers      1 non-2xx, 0 errors",
      "  latency      p50 2.4 ms  p95 12 ms  max 40 ms",
      "  over 15 s    0",
      "  inputs       0 ok, 1 failed",
      "  failed       8ef3d462",
      "1 delivery failed: the endpoint answered non-2xx or not at all",
    ]);
  });

  it("a run that stopped itself counts the lanes it never sent; repeated answers are counted once (issue 8 defect 13)", () => {
    const stopped = renderRunSummary({ ...summary, lanes: 5, unsentLanes: 4, failedLanes: ["8ef3d462"], failed: 7, ok: false, stopped: "refused" }, PLAIN);
    assert.equal(stopped[6], "  bots         0 ok, 1 failed, 4 not sent");
    const record = {
      lane: "l", bot: null, event: "bot.done", id: "msg_1", attempt: 1, duplicate: false, status: 401, ok: false, latencyMs: 2,
      error: null, errorMessage: null, responseBody: "invalid signature", sentAt: 0, timestamp: 1, willRetry: false,
    };
    assert.deepEqual(renderRepeatedAnswers([{ record, count: 6 }, { record: { ...record, status: 500 }, count: 1 }], PLAIN), [
      '6 deliveries got the answer 401 "invalid signature" (its body and hint are shown once, above)',
    ]);
    const repeat = renderDeliveryRecord(record, "a hint", PLAIN, true);
    assert.equal(repeat.length, 1);
    assert.match(repeat[0]!, /msg_1  same answer as above$/);
  });

  it("a delivery result: the answer, then the body and the hint on failure", () => {
    const result = { ok: false, status: 401, latencyMs: 3.2, error: null, errorMessage: null, body: "bad signature\n" } as const;
    assert.deepEqual(renderDeliveryResult({ id: "msg_1", url: "http://127.0.0.1:3000/hooks", result, hint: "check the secret", attempt: 2 }, PLAIN), [
      "<-- 401 POST http://127.0.0.1:3000/hooks  3.2 ms  msg_1 attempt 2",
      "    body: bad signature",
      "    hint: check the secret",
    ]);
  });

  it("a verdict line: valid, or the reason and what to do", () => {
    const valid: VerifyResult = { valid: true, scheme: "webhook", reason: "valid", message: "", id: "msg_1", timestamp: 1, skewSeconds: null };
    assert.equal(renderVerdict(valid, "capture.json", PLAIN), "capture.json  ✓ valid webhook-*  msg_1");
    const bad: VerifyResult = { ...valid, valid: false, reason: "body_changed", message: "The body was changed." };
    assert.equal(renderVerdict(bad, null, PLAIN), "✗ body_changed  msg_1: The body was changed.");
  });

  it("a signed request as headers, curl and raw HTTP", () => {
    const signed = { id: "msg_1", timestamp: 1700000000, signature: "v1,abc", headers: { "webhook-id": "msg_1", "webhook-timestamp": "1700000000", "webhook-signature": "v1,abc" }, body: `{"it's": 1}` } as unknown as SignedRequest;
    assert.deepEqual(renderSignedHeaders(signed), ["webhook-id: msg_1", "webhook-timestamp: 1700000000", "webhook-signature: v1,abc"]);
    assert.equal(renderCurl(signed, new URL("http://localhost:3000/h")), [
      "curl -sS -X POST 'http://localhost:3000/h' \\",
      "  -H 'content-type: application/json' \\",
      "  -H 'webhook-id: msg_1' \\",
      "  -H 'webhook-timestamp: 1700000000' \\",
      "  -H 'webhook-signature: v1,abc' \\",
      `  --data-binary '{"it'\\''s": 1}'`,
    ].join("\n"));
    assert.equal(renderHttp(signed, new URL("http://localhost:3000/h?x=1")).split("\r\n").slice(0, 4).join("|"), "POST /h?x=1 HTTP/1.1|host: localhost:3000|content-type: application/json|content-length: 11");
  });

  it("the catalog tables line up on their longest name", () => {
    const rows = renderEventTable(EVENTS, PLAIN);
    for (const row of rows) assert.match(row.slice(EVENT_COLUMN), /^ {2}\S/, row);
    const fatal = renderSubCodes(subCodesFor(findEvent("bot.fatal")!.code!), PLAIN);
    assert.equal(fatal[0], "");
    assert.match(fatal.find((l) => l.includes("meeting_not_found")) ?? "", /^ {4}meeting_not_found +\S/);
  });

  it("counts take the right noun", () => {
    assert.equal(plural(1, "delivery", "deliveries"), "1 delivery");
    assert.equal(plural(0, "duplicate"), "0 duplicates");
  });
});
