import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startEmulator, type Emulator } from "../src/emulate/emulator.js";
import { generateSecret } from "../src/webhook/secret.js";
import { MEET, recallClient, WebhookApp } from "./helpers/emulate.js";

// Recall's REST API contract: auth, error bodies, trailing slashes, idempotency, listing, and the
// scheduled-bot rules. Driven through HTTP only.

const secret = generateSecret();

describe("emulate: the REST API's contract", () => {
  let app: WebhookApp;
  let emu: Emulator;
  let call: ReturnType<typeof recallClient>;
  before(async () => {
    app = await WebhookApp.start(secret);
    emu = await startEmulator({ speed: 0, secret, webhookTo: [app.url], apiKey: "test-key" });
    call = recallClient(emu.url, emu.apiKey);
  });
  after(async () => { await emu.close(); await app.close(); });

  it("401 in Recall's shape without a key, with a wrong one, or with Bearer; a bare key works as in Recall's samples", async () => {
    const none = await call("GET", "/api/v1/bot/", undefined, { authorization: "" });
    assert.equal(none.status, 401);
    assert.deepEqual(none.json, { code: "not_authenticated", detail: "Authentication credentials were not provided." });
    for (const header of ["Token nope", "Bearer test-key", "nope"]) {
      const wrong = await call("GET", "/api/v1/bot/", undefined, { authorization: header });
      assert.equal(wrong.status, 401, header);
      assert.equal(wrong.json.code, "authentication_failed");
      assert.match(wrong.json.detail, /invalid api token/i);
    }
    assert.equal((await call("GET", "/api/v1/bot/", undefined, { authorization: "test-key" })).status, 200);
    assert.equal((await call("GET", "/api/v1/bot", undefined, { authorization: "token test-key" })).status, 200);
  });

  it("400: unknown top-level fields, missing meeting_url, raw media on a webhook endpoint, a link no platform serves", async () => {
    const unknown = await call("POST", "/api/v1/bot/", { meeting_url: MEET, transcription_options: { provider: "x" } });
    assert.equal(unknown.status, 400);
    assert.deepEqual(Object.keys(unknown.json), ["transcription_options"]);
    assert.match(unknown.json.transcription_options[0], /^This field is not allowed\. \(more details: https:\/\//);
    const missing = await call("POST", "/api/v1/bot/", { bot_name: "x" });
    assert.deepEqual(missing.json, { meeting_url: ["This field is required."] });
    const raw = await call("POST", "/api/v1/bot/", {
      meeting_url: MEET, recording_config: { audio_mixed_raw: {}, realtime_endpoints: [{ type: "webhook", url: "https://example.com/rt", events: ["audio_mixed_raw.data"] }] },
    });
    assert.equal(raw.status, 400);
    assert.match(raw.json.recording_config.realtime_endpoints[0].events[0], /only sent to websocket endpoints/);
    const nested = await call("POST", "/api/v1/bot/", { meeting_url: MEET, recording_config: { colour: "red" } });
    assert.deepEqual(Object.keys(nested.json.recording_config), ["colour"]);
    const link = await call("POST", "/api/v1/bot/", { meeting_url: "https://example.com/meeting" });
    assert.equal(link.status, 400);
    assert.ok(Array.isArray(link.json.meeting_url));
    const json = await fetch(`${emu.url}/api/v1/bot/`, { method: "POST", headers: { authorization: "test-key" }, body: "{nope" });
    assert.equal(json.status, 400);
    assert.match(((await json.json()) as { detail: string }).detail, /^JSON parse error/);
  });

  it("404 DRF's body for an unknown id or path; 405 with Allow for a method a route does not take", async () => {
    const missing = await call("GET", "/api/v1/bot/6e1f5adb-3340-4f50-900d-9aa2cdc53d6c/");
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.json, { detail: "Not found." });
    assert.deepEqual((await call("GET", "/api/v1/nothing/")).json, { detail: "Not found." });
    const bot = (await call("POST", "/api/v1/bot/", { meeting_url: MEET })).json;
    const put = await call("PUT", `/api/v1/bot/${bot.id}/`, {});
    assert.equal(put.status, 405);
    assert.deepEqual(put.json, { detail: 'Method "PUT" not allowed.' });
    assert.match(put.headers.get("allow") ?? "", /GET/);
  });

  it("scheduled bots: PATCH and DELETE until dispatch (10-minute rules), 400 update_bot_failed and 405 after", async () => {
    const slow = await startEmulator({ speed: 1, secret, apiKey: "k" });
    try {
      const c = recallClient(slow.url, "k");
      const joinAt = new Date(Date.now() + 60 * 60_000).toISOString();
      const scheduled = (await c("POST", "/api/v1/bot/", { meeting_url: MEET, join_at: joinAt, bot_name: "Early" })).json;
      const read = (await c("GET", `/api/v1/bot/${scheduled.id}/`)).json;
      assert.deepEqual(read.status_changes, []);
      assert.equal(Date.parse(read.join_at), Date.parse(joinAt));
      const later = new Date(Date.now() + 30 * 60_000).toISOString();
      const patched = await c("PATCH", `/api/v1/bot/${scheduled.id}/`, { join_at: later, bot_name: "Later" });
      assert.equal(patched.status, 200);
      assert.equal(patched.json.bot_name, "Later");
      assert.equal(Date.parse(patched.json.join_at), Date.parse(later));
      const tooSoon = await c("PATCH", `/api/v1/bot/${scheduled.id}/`, { join_at: new Date(Date.now() + 5 * 60_000).toISOString() });
      assert.equal(tooSoon.status, 400);
      assert.deepEqual(tooSoon.json, { code: "update_bot_failed", detail: "Not enough time to launch new bot." });
      const unknown = await c("PATCH", `/api/v1/bot/${scheduled.id}/`, { colour: "red" });
      assert.equal(unknown.status, 400);
      const deleted = await c("DELETE", `/api/v1/bot/${scheduled.id}/`);
      assert.equal(deleted.status, 204);
      assert.equal((await c("GET", `/api/v1/bot/${scheduled.id}/`)).status, 404);

      const adHoc = (await c("POST", "/api/v1/bot/", { meeting_url: MEET })).json;
      const patchAdHoc = await c("PATCH", `/api/v1/bot/${adHoc.id}/`, { bot_name: "x" });
      assert.deepEqual(patchAdHoc.json, { code: "update_bot_failed", detail: "Only non-dispatched bots can be updated." });
      const deleteAdHoc = await c("DELETE", `/api/v1/bot/${adHoc.id}/`);
      assert.equal(deleteAdHoc.status, 405);
      assert.equal(typeof deleteAdHoc.json.detail, "string");
    } finally {
      await slow.close();
    }
  });

  it("429 with Retry-After past Recall's per-minute limit (--rate-limit), and 507 with Retry-After (--fail-create 507:1)", async () => {
    const limited = await startEmulator({ speed: 0, secret, apiKey: "k", rateLimit: true, failCreate: ["507:1"] });
    try {
      const c = recallClient(limited.url, "k");
      const create = await c("POST", "/api/v1/bot/", { meeting_url: MEET });
      assert.equal(create.status, 507);
      assert.equal(create.headers.get("retry-after"), "30");
      assert.equal(typeof create.json.detail, "string");
      let answer = await c("GET", "/api/v1/bot/");
      for (let i = 2; i <= 60; i += 1) answer = await c("GET", "/api/v1/bot/");
      assert.equal(answer.status, 429, "the create and 59 lists used the 60 a minute");
      const retryAfter = Number(answer.headers.get("retry-after"));
      assert.ok(retryAfter >= 1 && retryAfter <= 60);
      assert.match(answer.json.detail, /^Request was throttled\. Expected available in \d+ seconds?\.$/);
    } finally {
      await limited.close();
    }
  });

  it("Idempotency-Key: a repeated create returns the original bot and makes no second one", async () => {
    const before = (await call("GET", "/api/v1/bot/")).json.count;
    const headers = { "idempotency-key": "create-42" };
    const first = await call("POST", "/api/v1/bot/", { meeting_url: MEET, metadata: { k: "1" } }, headers);
    const second = await call("POST", "/api/v1/bot/", { meeting_url: MEET, metadata: { k: "1" } }, headers);
    assert.equal(first.status, 201);
    assert.equal(second.status, 201);
    assert.equal(second.json.id, first.json.id);
    assert.equal(second.headers.get("idempotent-replayed"), "true");
    assert.equal((await call("GET", "/api/v1/bot/")).json.count, before + 1);
  });

  it("List Bots: filters, and `next` is a full URL an app follows to the end", async () => {
    emu.reset();
    const made: string[] = [];
    for (let i = 0; i < 23; i += 1) {
      const url = i % 2 === 0 ? MEET : "https://us02web.zoom.us/j/85912345678";
      made.push((await call("POST", "/api/v1/bot", { meeting_url: url, metadata: { team: i < 5 ? "a" : "b" } })).json.id);
    }
    await emu.idle();
    const seen: string[] = [];
    let next: string | null = `${emu.url}/api/v1/bot/`;
    while (next !== null) {
      const page: { count: number; next: string | null; previous: string | null; results: Array<{ id: string }> } =
        (await (await fetch(next, { headers: { authorization: "Token test-key" } })).json()) as never;
      assert.equal(page.count, 23);
      seen.push(...page.results.map((b) => b.id));
      next = page.next;
      if (next !== null) assert.ok(next.startsWith(`${emu.url}/api/v1/bot/?`), next);
    }
    assert.deepEqual(seen, made);
    assert.equal((await call("GET", "/api/v1/bot/?metadata__team=a")).json.count, 5);
    assert.equal((await call("GET", "/api/v1/bot/?platform=zoom")).json.count, 11);
    assert.equal((await call("GET", "/api/v1/bot/?platform=zoom&metadata__team=a")).json.count, 2);
    assert.equal((await call("GET", "/api/v1/bot/?status=done")).json.count, 23);
    assert.equal((await call("GET", "/api/v1/bot/?status=fatal")).json.count, 0);
    const recordings = (await call("GET", "/api/v1/recording/")).json;
    assert.equal("count" in recordings, false, "recordings use cursor pages");
    assert.equal(recordings.results.length, 10);
    assert.match(recordings.next, /cursor=/);
  });

  it("recording commands: pause and resume keep one recording, stop then start makes a second", async () => {
    let log: number[] = [];
    app.handle = async (hook) => {
      if (hook.event === "bot.in_call_recording" && log.length === 0) {
        const id = hook.botId!;
        log = [
          (await call("POST", `/api/v1/bot/${id}/pause_recording/`)).status,
          (await call("POST", `/api/v1/bot/${id}/resume_recording/`)).status,
          (await call("POST", `/api/v1/bot/${id}/stop_recording/`)).status,
          (await call("POST", `/api/v1/bot/${id}/start_recording/`)).status,
          (await call("POST", `/api/v1/bot/${id}/send_chat_message/`, { message: "Recording started" })).status,
          (await call("POST", `/api/v1/bot/${id}/send_chat_message/`, {})).status,
        ];
      }
      return 204;
    };
    let bot: { id: string };
    try {
      bot = (await call("POST", "/api/v1/bot", { meeting_url: MEET })).json;
      await app.waitFor((h) => h.event === "bot.done" && h.botId === bot.id);
    } finally {
      app.handle = () => 204;
    }
    assert.deepEqual(log, [200, 200, 200, 200, 200, 400]);
    const read = (await call("GET", `/api/v1/bot/${bot.id}`)).json;
    assert.equal(read.recordings.length, 2);
    assert.ok(read.recordings.every((r: { status: { code: string } }) => r.status.code === "done"));
    const events = app.hooks.filter((h) => h.botId === bot.id).map((h) => h.event);
    assert.ok(events.includes("recording.paused"));
    assert.equal(events.filter((e) => e === "recording.done").length, 2);
    const media = await call("POST", `/api/v1/bot/${bot.id}/delete_media/`);
    assert.equal(media.status, 200);
    assert.ok(media.json.recordings.every((r: { status: { code: string } }) => r.status.code === "deleted"));
    await app.waitFor((h) => h.event === "recording.deleted" && h.botId === bot.id);
  });

  it("the control API refuses a request whose Host is not this machine (DNS rebinding)", async () => {
    const { request } = await import("node:http");
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${emu.url}/_emulator/reset`, { method: "POST", headers: { host: "evil.example:8080" } }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
      req.on("error", reject);
      req.end();
    });
    assert.equal(status, 403);
    assert.equal((await fetch(`${emu.url}/_emulator/bots`)).status, 200);
  });

  it("a media object: PATCH changes only its metadata; DELETE (204) sends <media>.deleted and ends its download", async () => {
    const bot = (await call("POST", "/api/v1/bot/", { meeting_url: MEET, recording_config: { transcript: { provider: { meeting_captions: {} } } } })).json;
    await app.waitFor((h) => h.event === "bot.done" && h.botId === bot.id);
    const transcript = (await call("GET", `/api/v1/bot/${bot.id}/`)).json.recordings[0].media_shortcuts.transcript;
    const patched = await call("PATCH", `/api/v1/transcript/${transcript.id}/`, { metadata: { reviewed: "yes" } });
    assert.equal(patched.status, 200);
    assert.deepEqual(patched.json.metadata, { reviewed: "yes" });
    assert.deepEqual((await call("PATCH", `/api/v1/transcript/${transcript.id}/`, { metadata: { reviewed: null } })).json.metadata, {});
    const refused = await call("PATCH", `/api/v1/transcript/${transcript.id}/`, { provider: {} });
    assert.equal(refused.status, 400);
    assert.deepEqual(Object.keys(refused.json), ["provider"]);
    assert.equal((await fetch(transcript.data.download_url)).status, 200);
    assert.equal((await call("DELETE", `/api/v1/transcript/${transcript.id}/`)).status, 204);
    const deleted = await app.waitFor((h) => h.event === "transcript.deleted" && h.botId === bot.id);
    assert.ok(deleted.verified);
    assert.equal(deleted.body.data["transcript"].id, transcript.id);
    assert.equal((await fetch(transcript.data.download_url)).status, 404, "a deleted transcript downloads no more");
    assert.equal((await call("DELETE", `/api/v1/transcript/${transcript.id}/`)).status, 404);
    assert.equal((await call("GET", `/api/v1/bot/${bot.id}/`)).json.recordings[0].media_shortcuts.transcript.status.code, "deleted");
  });
});
