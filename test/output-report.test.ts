import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { renderDeliveryResult } from "../src/output/delivery.js";
import { clock, describeSkipped, formatMs, roundMs } from "../src/output/format.js";
import { deliveryJson, deliveryLine, renderDeliveryRecord, renderRunSummary } from "../src/output/report.js";
import { PLAIN } from "../src/output/style.js";
import type { DeliveryRecord } from "../src/simulate/report.js";
import { summarize } from "../src/simulate/report.js";
import { runCli } from "./helpers/cli.js";

const ESC = "\u001b";
const hostile = `msg_${ESC}[2J${ESC}]0;pwned\u0007`;

const record: DeliveryRecord = {
  lane: `lane${ESC}[31m`, bot: null, event: `bot.${ESC}[1mdone`, id: hostile, attempt: 1, duplicate: false,
  status: 500, ok: false, latencyMs: 3, error: null, errorMessage: `boom${ESC}[2K`, responseBody: `<h1>${ESC}[2J</h1>`,
  sentAt: 0, timestamp: 1, willRetry: false,
};

describe("deliveryLine: the --json record of simulate and replay, written directly", () => {
  it("is JSON.stringify(deliveryJson(record)) byte for byte: failed, answered, unanswered, retried", () => {
    const variants: DeliveryRecord[] = [
      record,
      { ...record, ok: true, status: 204, bot: "7c0a-\u00eb\"quote", errorMessage: null, responseBody: "", latencyMs: 0.04999, sentAt: 1_733_000_000_123 },
      { ...record, status: null, error: "timeout", errorMessage: "no answer within 15000 ms", willRetry: true, attempt: 3, duplicate: true, timestamp: null, latencyMs: 15000.26 },
      { ...record, latencyMs: Number.NaN, responseBody: "\u2028line\nbreak\u0000" },
      { ...record, ok: true, status: 200, id: "msg_back\\slash/\u007f", lane: "lone \ud800 surrogate", bot: "", event: "bot.done", latencyMs: Number.POSITIVE_INFINITY, sentAt: 1_733_000_000_999.5 },
      { ...record, ok: true, status: 204, id: "msg_2C3xoZuTFm9nsHNoKIx5E8tFoOm", latencyMs: -0, sentAt: 1_733_000_001_000, timestamp: 1_733_000_001, errorMessage: null },
    ];
    for (const r of variants) assert.equal(deliveryLine(r), JSON.stringify(deliveryJson(r)));
  });
});

describe("renderers neutralise control characters from payloads", () => {
  it("a delivery line of simulate and replay: id, event, lane, error, body and hint", () => {
    const text = renderDeliveryRecord(record, `nothing is listening at http://x/${ESC}[2J`, PLAIN).join("\n");
    assert.ok(!text.includes(ESC), JSON.stringify(text));
    assert.match(text, /msg_\\x1b\[2J\\x1b\]0;pwned\\x07/);
  });

  it("a forward or send result: id and URL", () => {
    const result = { status: 500, ok: false, latencyMs: 2, body: `${ESC}[2J`, error: null, errorMessage: null };
    const text = renderDeliveryResult({ id: hostile, url: `http://x/${ESC}[2J`, result, hint: null }, PLAIN).join("\n");
    assert.ok(!text.includes(ESC), JSON.stringify(text));
  });

  it("the run summary, its failed lanes included", () => {
    const text = renderRunSummary(summarize([record], [record.lane], 10, false), PLAIN, "inputs").join("\n");
    assert.ok(!text.includes(ESC), JSON.stringify(text));
  });

  it("replay of a capture whose id is msg_\\u001b[2J prints no escape codes (the built binary)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "recall-hooks-esc-"));
    const body = JSON.stringify({ event: "bot.done", data: { data: { code: "done" }, bot: { id: `b${ESC}[2J`, metadata: {} } } });
    await writeFile(join(dir, "capture.json"), JSON.stringify({ headers: { "webhook-id": `msg_${ESC}[2J` }, body }));
    const { code, stdout, stderr } = await runCli(["replay", "capture.json", "--to", "http://127.0.0.1:9/", "--secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"], { cwd: dir });
    assert.equal(code, 1, stderr);
    assert.ok(!stdout.includes(ESC) && !stderr.includes(ESC), JSON.stringify(stdout + stderr));
    assert.match(stdout, /msg_\\x1b\[2J/);
  });
});

describe("shared formatters", () => {
  it("clock, roundMs, formatMs and describeSkipped", () => {
    assert.match(clock(Date.UTC(2025, 0, 1, 12, 3, 4)), /^\d\d:03:04$/);
    assert.equal(roundMs(12.345), 12.3);
    assert.deepEqual([formatMs(3.21), formatMs(140.4), formatMs(12_500)], ["3.2 ms", "140 ms", "12.5 s"]);
    assert.match(describeSkipped("j.jsonl", [5]), /^j\.jsonl: skipped 1 unreadable line \(line 5\)/);
    assert.match(describeSkipped("j.jsonl", [1, 2, 3, 4, 5, 6, 7]), /skipped 7 unreadable lines \(lines 1, 2, 3, 4, 5 and 2 more\)/);
  });
});
