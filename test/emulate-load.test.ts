import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startEmulator, type Emulator } from "../src/emulate/emulator.js";
import { generateSecret } from "../src/webhook/secret.js";
import { MEET, recallClient, WebhookApp } from "./helpers/emulate.js";

const secret = generateSecret();

describe("emulate: 100 bots at once at speed 0", () => {
  let app: WebhookApp;
  let emu: Emulator;
  before(async () => {
    app = await WebhookApp.start(secret);
    emu = await startEmulator({ speed: 0, secret, webhookTo: [app.url] });
  });
  after(async () => { await emu.close(); await app.close(); });

  it("all reach done, every webhook delivered exactly once, each bot's webhooks equal its status_changes", async () => {
    const call = recallClient(emu.url, emu.apiKey);
    const created = await Promise.all(Array.from({ length: 100 }, (_, i) => call("POST", "/api/v1/bot/", { meeting_url: MEET, metadata: { n: String(i) } })));
    assert.ok(created.every((c) => c.status === 201));
    const ids = created.map((c) => c.json.id as string);
    await app.waitForCount((h) => h.event === "bot.done", 100);
    await emu.idle();
    assert.ok(app.hooks.every((h) => h.verified), "every webhook verifies with svix");
    const messageIds = app.hooks.map((h) => h.id);
    assert.equal(new Set(messageIds).size, messageIds.length, "no message arrived twice");
    assert.equal(emu.deliveries.length, app.hooks.length, "one request per message, no retries");
    for (const [i, id] of ids.entries()) {
      const bot = (await call("GET", `/api/v1/bot/${id}/`)).json;
      assert.equal(bot.status_changes.at(-1).code, "done");
      const hooks = app.botHooks(id);
      assert.deepEqual(bot.status_changes.map((s: { code: string; created_at: string }) => [s.code, s.created_at]), hooks.map((h) => [h.code, h.updatedAt]));
      assert.ok(app.hooks.filter((h) => h.botId === id).every((h) => h.body.data["bot"].metadata.n === String(i)));
      assert.equal(app.hooks.filter((h) => h.botId === id).length, 7 + 2 + 3, "7 statuses, recording.processing and .done, video_mixed, participant_events and meeting_metadata");
    }
  });

  it("duplicates only when asked: --duplicates 1 sends every message twice with one id", async () => {
    const dup = await startEmulator({ speed: 0, secret, webhookTo: [app.url], duplicates: 1, scenario: "fatal" });
    try {
      const before = app.hooks.length;
      const bot = (await recallClient(dup.url, dup.apiKey)("POST", "/api/v1/bot/", { meeting_url: MEET })).json;
      await app.waitForCount((h) => h.botId === bot.id && h.event === "bot.fatal", 2);
      await dup.idle();
      const mine = app.hooks.slice(before).filter((h) => h.botId === bot.id);
      assert.deepEqual(mine.map((h) => h.event), ["bot.joining_call", "bot.joining_call", "bot.fatal", "bot.fatal"]);
      assert.equal(mine[0]!.id, mine[1]!.id);
      assert.equal(mine[2]!.id, mine[3]!.id);
    } finally {
      await dup.close();
    }
  });

  it("a failing endpoint gets Svix's retries (scaled by speed), with the same message id", async () => {
    const flaky = await WebhookApp.start(secret);
    let failures = 2;
    flaky.handle = (h) => (h.event === "bot.joining_call" && failures-- > 0 ? 500 : 204);
    const emu2 = await startEmulator({ speed: 0, secret, webhookTo: [flaky.url], scenario: "fatal" });
    try {
      const bot = (await recallClient(emu2.url, emu2.apiKey)("POST", "/api/v1/bot/", { meeting_url: MEET })).json;
      await flaky.waitForCount((h) => h.botId === bot.id && h.event === "bot.joining_call", 3);
      await emu2.idle();
      const joining = flaky.hooks.filter((h) => h.event === "bot.joining_call");
      assert.equal(new Set(joining.map((h) => h.id)).size, 1);
      assert.deepEqual(emu2.deliveries.filter((d) => d.event === "bot.joining_call").map((d) => [d.attempt, d.status]), [[1, 500], [2, 500], [3, 204]]);
    } finally {
      await emu2.close();
      await flaky.close();
    }
  });

  it("--events: only the subscribed event types are sent (Svix's per-event subscription)", async () => {
    const only = await startEmulator({ speed: 0, secret, webhookTo: [app.url], events: ["bot.call_ended", "recording.*"] });
    try {
      const bot = (await recallClient(only.url, only.apiKey)("POST", "/api/v1/bot/", { meeting_url: MEET })).json;
      await app.waitFor((h) => h.botId === bot.id && h.event === "recording.done");
      await only.idle();
      assert.deepEqual(app.hooks.filter((h) => h.botId === bot.id).map((h) => h.event), ["recording.processing", "bot.call_ended", "recording.done"]);
    } finally {
      await only.close();
    }
  });
});
