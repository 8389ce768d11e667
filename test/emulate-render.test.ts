import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { EmulatorDelivery } from "../src/emulate/emulator.js";
import { EVENT_COLUMN } from "../src/output/columns.js";
import { apiJson, apiLine, botLine, deliveryJson, deliveryLine, readyJson, renderReady } from "../src/output/emulate.js";
import { PLAIN } from "../src/output/style.js";

// What `emulate` prints, with colour off. Times are local clock times, so the lines are matched after them.

const ready = {
  url: "http://127.0.0.1:8080", apiKey: "k123", apiKeyShown: "k123", secretShown: "whsec_abcd••••••••", webhookTo: ["http://localhost:3000/hooks"],
  events: [], speed: 0, scenario: "happy", state: null,
};

describe("emulate renderers as strings", () => {
  it("the ready banner says what to set", () => {
    const lines = renderReady(ready, PLAIN);
    assert.equal(lines[0], "recall-hooks emulate: a local Recall API at http://127.0.0.1:8080");
    assert.ok(lines.includes("  API key      k123   send: Authorization: Token <key>"));
    assert.ok(lines.includes("  webhooks     http://localhost:3000/hooks"));
    assert.ok(lines.includes("  speed        0 (as fast as your app answers)"));
    assert.ok(lines.some((l) => l.includes('NODE_OPTIONS="--import recall-hooks/redirect" RECALL_HOOKS_EMULATOR=http://127.0.0.1:8080')));
    assert.ok(renderReady({ ...ready, webhookTo: [] }, PLAIN).includes("  webhooks     none: pass --webhook-to <your endpoint>"));
    assert.deepEqual(readyJson(ready), {
      type: "ready", url: "http://127.0.0.1:8080", api_key: "k123", secret: "whsec_abcd••••••••", webhook_to: ["http://localhost:3000/hooks"],
      events: [], speed: 0, scenario: "happy", state: null,
    });
  });

  it("api, bot and delivery lines and records", () => {
    const api = { method: "POST", path: "/api/v1/bot/", status: 201, ms: 3.14, warning: "Recall's WAF answers 403" };
    assert.equal(apiLine(api, 0, PLAIN).split("  ").slice(1).join("  "), "api  POST   /api/v1/bot/  201  3.1 ms\n          warning: Recall's WAF answers 403");
    assert.deepEqual(apiJson(api), { type: "api", method: "POST", path: "/api/v1/bot/", status: 201, ms: 3.14, warning: "Recall's WAF answers 403" });
    assert.match(botLine({ id: "6e1f5adb-3340", code: "call_ended", subCode: "bot_received_leave_call", createdAt: "" }, 0, PLAIN), /  bot  6e1f5adb  call_ended bot_received_leave_call$/);
    const delivery: EmulatorDelivery = {
      lane: "b", bot: "6e1f5adb-3340", event: "bot.done", id: "msg_1", attempt: 2, duplicate: false, status: 500, ok: false, latencyMs: 12, error: null,
      errorMessage: null, responseBody: "", sentAt: 0, timestamp: 0, willRetry: true, url: "http://localhost:3000/hooks",
    };
    assert.match(deliveryLine(delivery, PLAIN), new RegExp(`  -->  ${"bot.done".padEnd(EVENT_COLUMN)} 6e1f5adb  500  12 ms  http://localhost:3000/hooks attempt 2$`));
    assert.deepEqual(deliveryJson(delivery), {
      type: "delivery", event: "bot.done", id: "msg_1", bot_id: "6e1f5adb-3340", url: "http://localhost:3000/hooks", attempt: 2, duplicate: false,
      status: 500, ok: false, latency_ms: 12, error: null, will_retry: true, sent_at: "1970-01-01T00:00:00.000Z",
    });
  });
});
