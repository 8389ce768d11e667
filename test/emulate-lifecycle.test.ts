import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startEmulator, type Emulator } from "../src/emulate/emulator.js";
import { meetingScript, wordsOf } from "../src/realtime/script.js";
import { generateSecret } from "../src/webhook/secret.js";
import { MEET, recallClient, WebhookApp } from "./helpers/emulate.js";
import { startWsReceiver, type WsReceiver } from "./helpers/ws-receiver.js";

// The emulator driven only through HTTP, as an app drives Recall: create, receive webhooks (verified
// with svix), read back, download.

const secret = generateSecret();

describe("emulate: a bot's lifecycle, seen by an app", () => {
  let app: WebhookApp;
  let ws: WsReceiver;
  let emu: Emulator;
  let call: ReturnType<typeof recallClient>;
  before(async () => {
    app = await WebhookApp.start(secret);
    ws = await startWsReceiver(secret);
    emu = await startEmulator({ speed: 0, secret, webhookTo: [app.url] });
    call = recallClient(emu.url, emu.apiKey);
  });
  after(async () => { await emu.close(); await app.close(); await ws.close(); });

  it("create -> every webhook verifies; status_changes equal the bot webhooks in order, with matching timestamps", async () => {
    const created = await call("POST", "/api/v1/bot/", {
      meeting_url: MEET, metadata: { team_id: "1872" },
      recording_config: {
        transcript: { provider: { recallai_streaming: { language_code: "en", mode: "prioritize_low_latency" } } }, metadata: { source: "test" },
        audio_mixed_raw: {},
        realtime_endpoints: [
          { type: "webhook", url: `${app.url}?realtime=1`, events: ["transcript.data", "participant_events.join"] },
          { type: "websocket", url: ws.url, events: ["audio_mixed_raw.data", "transcript.data"] },
        ],
      },
    });
    assert.equal(created.status, 201);
    const bot = created.json;
    assert.deepEqual(bot.meeting_url, { meeting_id: "abc-defg-hij", platform: "google_meet" });
    assert.equal(bot.bot_name, "Meeting Notetaker");
    assert.equal(bot.recording_config.start_recording_on, "participant_join");
    assert.deepEqual(bot.recording_config.video_mixed_mp4, {});
    assert.equal(bot.automatic_leave.waiting_room_timeout, 1200);
    assert.deepEqual(bot.status_changes, []);
    assert.equal("status" in bot, false, "Recall's Bot has no top-level status");
    assert.match(created.headers.get("x-recall-hooks-warning") ?? "", /WAF answers 403.*127\.0\.0\.1/);

    await app.waitFor((h) => h.event === "bot.done" && h.botId === bot.id);
    const mine = app.hooks.filter((h) => h.botId === bot.id);
    assert.ok(mine.every((h) => h.verified), "every webhook verifies with svix");
    assert.ok(mine.every((h) => JSON.stringify(h.body.data["bot"].metadata) === JSON.stringify({ team_id: "1872" })), "bot metadata echoed");
    const read = (await call("GET", `/api/v1/bot/${bot.id}/`)).json;
    const hooks = app.botHooks(bot.id);
    assert.deepEqual(read.status_changes.map((s: any) => [s.code, s.sub_code, s.created_at]), hooks.map((h) => [h.code, h.subCode, h.updatedAt]));
    assert.deepEqual(hooks.map((h) => h.code), ["joining_call", "in_waiting_room", "in_call_not_recording", "recording_permission_allowed", "in_call_recording", "call_ended", "done"]);
    const times = read.status_changes.map((s: any) => Date.parse(s.created_at));
    assert.deepEqual([...times].sort((a, b) => a - b), times, "status_changes in time order");
    assert.equal(new Set(mine.map((h) => h.id)).size, mine.length, "each webhook delivered once");

    const events = mine.map((h) => h.event);
    assert.ok(events.indexOf("recording.processing") > events.indexOf("bot.in_call_recording") - 1);
    for (const e of ["recording.done", "transcript.done", "video_mixed.done", "audio_mixed.done", "participant_events.done", "meeting_metadata.done"]) {
      assert.ok(events.indexOf(e) > events.indexOf("bot.call_ended") && events.indexOf(e) < events.indexOf("bot.done"), `${e} between call_ended and done`);
    }
    const recordingHook = mine.find((h) => h.event === "recording.done")!;
    assert.deepEqual(recordingHook.body.data["recording"].metadata, { source: "test" });
    assert.equal(read.recordings.length, 1);
    assert.equal(read.recordings[0].status.code, "done");

    // The real-time endpoints got the meeting script while the bot recorded, with the bot's and the recording's ids.
    const recording = read.recordings[0];
    const full = (await call("GET", `/api/v1/recording/${recording.id}/`)).json;
    const [hookEndpoint, wsEndpoint] = full.realtime_endpoints.map((e: { id: string }) => e.id);
    const streamed = mine.filter((h) => h.body.data["realtime_endpoint"] !== undefined);
    assert.deepEqual([...new Set(streamed.map((h) => h.event))].sort(), ["participant_events.join", "transcript.data"]);
    assert.ok(streamed.every((h) => h.body.data["recording"].id === recording.id && h.body.data["realtime_endpoint"].id === hookEndpoint));
    assert.ok(streamed.every((h) => h.body.data["transcript"] === undefined || h.body.data["transcript"].id === recording.media_shortcuts.transcript.id));
    const recordingAt = events.indexOf("bot.in_call_recording");
    const endedAt = events.indexOf("bot.call_ended");
    assert.ok(streamed.every((h) => mine.indexOf(h) > recordingAt && mine.indexOf(h) < endedAt), "streamed while in_call_recording, before call_ended");
    await emu.idle(); // the streams have ended: the WebSocket closed after its last frame
    const frames = ws.frames.map((f) => f.json);
    assert.ok(ws.upgrades.every((u) => u.verified), "the WebSocket upgrade verifies with the workspace secret");
    assert.ok(frames.some((f) => f.event === "audio_mixed_raw.data"));
    assert.ok(frames.every((f) => f.data["bot"].id === bot.id && f.data["recording"].id === recording.id && f.data["realtime_endpoint"].id === wsEndpoint));

    // What streamed is what downloads: the same words at the same times.
    const script = await meetingScript();
    const download = await (await fetch(recording.media_shortcuts.transcript.data.download_url)).json() as any[];
    const words = (parts: any[]) => parts.flatMap((p) => p.words.map((w: any) => [p.participant.id, w.text, w.start_timestamp.relative, Date.parse(w.start_timestamp.absolute)]));
    assert.deepEqual(words(download).map((w) => w[1]), script.utterances.flatMap((u) => wordsOf(u.text)));
    assert.deepEqual(words(streamed.filter((h) => h.event === "transcript.data").map((h) => h.body.data["data"])), words(download));
    assert.deepEqual(words(frames.filter((f) => f.event === "transcript.data").map((f) => f.data["data"])), words(download));
    assert.equal(Date.parse(download[0].words[0].start_timestamp.absolute) - script.utterances[0]!.at * 1000, Date.parse(recording.started_at));
  });

  it("the downloads are the meeting's artefacts: the transcript holds the script's words, the WAV lasts as long as the recording", async () => {
    const bot = (await call("POST", "/api/v1/bot", { meeting_url: MEET, recording_config: { transcript: { provider: { meeting_captions: {} } } } })).json;
    await app.waitFor((h) => h.event === "bot.done" && h.botId === bot.id);
    const read = (await call("GET", `/api/v1/bot/${bot.id}`)).json;
    const shortcuts = read.recordings[0].media_shortcuts;
    const transcript = await (await fetch(shortcuts.transcript.data.download_url)).json() as any[];
    const words = transcript.flatMap((part) => part.words.map((w: any) => w.text));
    const script = await meetingScript();
    assert.deepEqual(words, script.utterances.flatMap((u) => wordsOf(u.text)));
    assert.equal(transcript[0].participant.name, "Ada");
    assert.equal(typeof transcript[0].words[0].start_timestamp.relative, "number");
    const participants = await (await fetch(shortcuts.participant_events.data.participants_download_url)).json() as any[];
    assert.deepEqual(participants.map((p) => p.id), [100, 200, 300]);
    const events = await (await fetch(shortcuts.participant_events.data.participant_events_download_url)).json() as any[];
    assert.ok(events.some((e) => e.action === "speech_on") && events.some((e) => e.action === "join"));
    const timeline = await (await fetch(shortcuts.participant_events.data.speaker_timeline_download_url)).json() as any[];
    assert.equal(timeline.length, script.utterances.length);
    const wav = Buffer.from(await (await fetch(shortcuts.video_mixed.data.download_url)).arrayBuffer());
    assert.equal(wav.subarray(0, 4).toString(), "RIFF");
    assert.equal(wav.subarray(8, 12).toString(), "WAVE");
    const seconds = (Date.parse(read.recordings[0].completed_at) - Date.parse(read.recordings[0].started_at)) / 1000;
    assert.equal(wav.readUInt32LE(40) / wav.readUInt32LE(28), seconds, "the audio lasts as long as the recording");
    assert.deepEqual(shortcuts.meeting_metadata.data, { title: "Weekly sync", zoom: null });
  });

  it("download URLs stay null until the media is done", async () => {
    let during: any = null;
    app.handle = async (hook) => {
      if (hook.event === "bot.in_call_recording") during = (await call("GET", `/api/v1/bot/${hook.botId}`)).json;
      return 204;
    };
    try {
      const bot = (await call("POST", "/api/v1/bot", { meeting_url: MEET })).json;
      await app.waitFor((h) => h.event === "bot.done" && h.botId === bot.id);
    } finally {
      app.handle = () => 204;
    }
    const shortcut = during.recordings[0].media_shortcuts.video_mixed;
    assert.equal(shortcut.status.code, "processing");
    assert.equal(shortcut.data.download_url, null);
    assert.equal(during.recordings[0].status.code, "processing");
    assert.equal(during.recordings[0].completed_at, null);
  });

  it("leave_call mid-call ends it with bot_received_leave_call, then done", async () => {
    let left: any = null;
    app.handle = async (hook) => {
      if (hook.event === "bot.in_call_recording") left = await call("POST", `/api/v1/bot/${hook.botId}/leave_call/`);
      return 204;
    };
    let bot: any;
    try {
      bot = (await call("POST", "/api/v1/bot", { meeting_url: "https://us02web.zoom.us/j/85912345678?pwd=secret" })).json;
      await app.waitFor((h) => h.event === "bot.done" && h.botId === bot.id);
    } finally {
      app.handle = () => 204;
    }
    assert.equal(bot.meeting_url.platform, "zoom");
    assert.equal(bot.meeting_url.meeting_password, "secret");
    assert.equal(left.status, 200);
    assert.deepEqual(left.json.status_changes.at(-1).code, "call_ended");
    assert.deepEqual(app.botHooks(bot.id).slice(-3).map((h) => [h.code, h.subCode]), [["in_call_recording", null], ["call_ended", "bot_received_leave_call"], ["done", null]]);
    const again = await call("POST", `/api/v1/bot/${bot.id}/leave_call`);
    assert.equal(again.status, 400);
    assert.equal(again.json.code, "cannot_command_completed_bot");
  });

  it("create_transcript: a transcript in processing, then transcript.processing and transcript.done, then its words", async () => {
    const bot = (await call("POST", "/api/v1/bot", { meeting_url: MEET })).json;
    await app.waitFor((h) => h.event === "bot.done" && h.botId === bot.id);
    const recordingId = (await call("GET", `/api/v1/bot/${bot.id}`)).json.recordings[0].id;
    const created = await call("POST", `/api/v1/recording/${recordingId}/create_transcript/`, { provider: { recallai_async: {} }, diarization: { use_separate_streams_when_available: true } });
    assert.equal(created.status, 200);
    assert.equal(created.json.status.code, "processing");
    assert.equal(created.json.data.download_url, null);
    assert.deepEqual(created.json.provider, { recallai_async: {} });
    const done = await app.waitFor((h) => h.event === "transcript.done" && h.body.data["transcript"].id === created.json.id);
    const processing = app.hooks.findIndex((h) => h.event === "transcript.processing" && h.body.data["transcript"].id === created.json.id);
    assert.ok(processing >= 0 && processing < app.hooks.indexOf(done));
    assert.equal(done.body.data["recording"].id, recordingId);
    const read = await call("GET", `/api/v1/transcript/${created.json.id}/`);
    assert.equal(read.json.status.code, "done");
    const parts = await (await fetch(read.json.data.download_url)).json() as any[];
    assert.ok(parts.length > 0);
    const bad = await call("POST", `/api/v1/recording/${recordingId}/create_transcript/`, {});
    assert.equal(bad.status, 400);
    assert.ok(Array.isArray(bad.json.provider));
    assert.equal((await call("DELETE", `/api/v1/recording/${recordingId}/`)).status, 204);
    await app.waitFor((h) => h.event === "recording.deleted" && h.body.data["recording"].id === recordingId);
    const gone = (await call("GET", `/api/v1/recording/${recordingId}/`)).json;
    assert.equal(gone.status.code, "deleted");
    assert.equal(gone.media_shortcuts.video_mixed.data.download_url, null);
    assert.equal((await fetch(read.json.data.download_url)).status, 404, "a deleted transcript downloads no more");
  });

  it("a scheduled bot joins at join_at (its joining_call carries join_at's time)", async () => {
    const joinAt = new Date(Date.now() + 15 * 60_000);
    joinAt.setMilliseconds(0);
    const created = await call("POST", "/api/v1/bot", { meeting_url: MEET, join_at: joinAt.toISOString() });
    assert.equal(created.json.join_at, joinAt.toISOString().replace("Z", "000Z"));
    const joined = await app.waitFor((h) => h.event === "bot.joining_call" && h.botId === created.json.id);
    assert.equal(Date.parse(joined.updatedAt!), joinAt.getTime());
    await app.waitFor((h) => h.event === "bot.done" && h.botId === created.json.id);
    const read = (await call("GET", `/api/v1/bot/${created.json.id}`)).json;
    assert.equal(read.join_at, null, "join_at reads back only while scheduled");
  });

  it("the scenario is chosen per bot: metadata, or the meeting URL's query", async () => {
    const byMetadata = (await call("POST", "/api/v1/bot", { meeting_url: MEET, metadata: { recall_hooks_scenario: "permission-denied" } })).json;
    const byQuery = (await call("POST", "/api/v1/bot", { meeting_url: `${MEET}?recall_hooks_scenario=fatal&sub_code=meeting_password_incorrect` })).json;
    await app.waitFor((h) => h.event === "bot.done" && h.botId === byMetadata.id);
    const fatal = await app.waitFor((h) => h.event === "bot.fatal" && h.botId === byQuery.id);
    assert.equal(fatal.subCode, "meeting_password_incorrect");
    assert.ok(app.botHooks(byMetadata.id).some((h) => h.code === "recording_permission_denied"));
    const bad = await call("POST", "/api/v1/bot", { meeting_url: MEET, metadata: { recall_hooks_scenario: "nope" } });
    assert.equal(bad.status, 400);
    assert.match(bad.json.metadata[0], /No scenario "nope"/);
  });

  it("the control API pushes a bot to a status with a sub code, and lists its deliveries", async () => {
    app.handle = async (hook) => {
      if (hook.event === "bot.in_waiting_room") {
        const pushed = await fetch(`${emu.url}/_emulator/bot/${hook.botId}/status`, { method: "POST", body: JSON.stringify({ code: "call_ended", sub_code: "bot_kicked_from_waiting_room" }) });
        assert.equal(pushed.status, 200);
      }
      return 204;
    };
    let bot: any;
    try {
      bot = (await call("POST", "/api/v1/bot", { meeting_url: MEET })).json;
      await app.waitFor((h) => h.event === "bot.done" && h.botId === bot.id);
    } finally {
      app.handle = () => 204;
    }
    assert.deepEqual(app.botHooks(bot.id).map((h) => h.code), ["joining_call", "in_waiting_room", "call_ended", "done"]);
    const deliveries = await (await fetch(`${emu.url}/_emulator/deliveries?bot_id=${bot.id}`)).json() as any[];
    assert.deepEqual(deliveries.map((d) => d.event), app.hooks.filter((h) => h.botId === bot.id).map((h) => h.event));
    assert.ok(deliveries.every((d) => d.status === 204 && d.attempt === 1));
  });

  it("metadata recall_hooks_transcript_failure: the bot's transcripts fail with that sub code (transcript.failed, no download URL)", async () => {
    const bot = (await call("POST", "/api/v1/bot", {
      meeting_url: MEET, metadata: { recall_hooks_transcript_failure: "zoom_captions_failure" },
      recording_config: { transcript: { provider: { meeting_captions: {} } } },
    })).json;
    const failed = await app.waitFor((h) => h.event === "transcript.failed" && h.botId === bot.id);
    assert.equal(failed.subCode, "zoom_captions_failure");
    await app.waitFor((h) => h.event === "bot.done" && h.botId === bot.id);
    const read = (await call("GET", `/api/v1/bot/${bot.id}`)).json;
    assert.equal(read.recordings[0].media_shortcuts.transcript.status.code, "failed");
    assert.equal(read.recordings[0].media_shortcuts.transcript.data.download_url, null);
    const again = await call("POST", `/api/v1/recording/${read.recordings[0].id}/create_transcript/`, { provider: { recallai_async: {} } });
    await app.waitFor((h) => h.event === "transcript.failed" && h.body.data["transcript"].id === again.json.id);
    const bad = await call("POST", "/api/v1/bot", { meeting_url: MEET, metadata: { recall_hooks_transcript_failure: "nope" } });
    assert.equal(bad.status, 400);
    assert.match(bad.json.metadata[0], /provider_connection_failed/);
  });
});
