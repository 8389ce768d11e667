import { test } from "node:test";
import assert from "node:assert/strict";
import { parseDelivery } from "../src/recall/parse.js";

const BOT = "92e24581-f82b-401a-8f75-88e64b04c24e";

test("current status shape: code, sub code, updated_at, resources and metadata", () => {
  const body = JSON.stringify({
    event: "bot.call_ended",
    data: {
      data: { code: "call_ended", sub_code: "bot_kicked_from_call", updated_at: "2024-02-17T16:50:12.101010+00:00" },
      bot: { id: BOT, metadata: { user: "42" } },
    },
  });
  const p = parseDelivery(body);
  assert.equal(p.kind, "json");
  assert.equal(p.event, "bot.call_ended");
  assert.equal(p.info?.code, "call_ended");
  assert.equal(p.shape, "status");
  assert.equal(p.botId, BOT);
  assert.equal(p.code, "call_ended");
  assert.equal(p.subCode, "bot_kicked_from_call");
  assert.match(p.subCodeDescription ?? "", /removed the bot from the call/);
  assert.equal(p.updatedAt, "2024-02-17T16:50:12.101010+00:00");
  assert.equal(p.message, null);
  assert.deepEqual(p.resources, { bot: BOT });
  assert.deepEqual(p.metadata, { user: "42" });
});

test("transcript.done keeps every resource; transcript.failed sub codes are described", () => {
  const done = parseDelivery(JSON.stringify({
    event: "transcript.done",
    data: {
      data: { code: "done", sub_code: null, updated_at: "2024-12-04T23:25:56.339940Z" },
      transcript: { id: "t1", metadata: {} },
      recording: { id: "r1", metadata: {} },
      bot: null,
    },
  }));
  assert.deepEqual(done.resources, { transcript: "t1", recording: "r1" });
  assert.equal(done.botId, null);
  assert.equal(done.subCode, null);
  assert.equal(done.subCodeDescription, null);
  assert.deepEqual(done.metadata, {});
  const failed = parseDelivery(JSON.stringify({
    event: "transcript.failed",
    data: { data: { code: "failed", sub_code: "zoom_captions_failure", updated_at: "x" }, transcript: { id: "t1", metadata: {} } },
  }));
  assert.equal(failed.subCodeDescription, "Enabling Zoom captions failed.");
});

test("legacy bot.status_change: bot id, code, sub code, message, created_at, recording id", () => {
  const p = parseDelivery(JSON.stringify({
    event: "bot.status_change",
    data: {
      bot_id: "fc75fbf8-4a87-4438-bca8-83200962a1eb",
      status: {
        code: "fatal", created_at: "2024-03-10T19:16:16+00:00", sub_code: "meeting_not_found",
        message: "No meeting was found at the given link.", recording_id: "rec-1",
      },
    },
  }));
  assert.equal(p.shape, "legacy_status");
  assert.equal(p.botId, "fc75fbf8-4a87-4438-bca8-83200962a1eb");
  assert.equal(p.code, "fatal");
  assert.equal(p.subCode, "meeting_not_found");
  assert.equal(p.message, "No meeting was found at the given link.");
  assert.equal(p.updatedAt, "2024-03-10T19:16:16+00:00");
  assert.ok(p.subCodeDescription);
  assert.deepEqual(p.resources, { bot: "fc75fbf8-4a87-4438-bca8-83200962a1eb", recording: "rec-1" });
});

test("legacy status_change with null sub code and message", () => {
  const p = parseDelivery(JSON.stringify({
    event: "bot.status_change",
    data: { bot_id: "b", status: { code: "in_call_recording", created_at: "2024-03-10T19:16:16+00:00", sub_code: null, message: null } },
  }));
  assert.equal(p.code, "in_call_recording");
  assert.equal(p.subCode, null);
  assert.equal(p.message, null);
  assert.deepEqual(p.resources, { bot: "b" });
});

test("legacy logs: bot_id or job_id, message", () => {
  const bot = parseDelivery(JSON.stringify({
    event: "bot.output_log",
    data: { bot_id: "b", log: { created_at: "2024-03-10T19:16:16+00:00", level: "error", message: "Failed", output_id: "o" } },
  }));
  assert.equal(bot.shape, "legacy_log");
  assert.equal(bot.botId, "b");
  assert.equal(bot.message, "Failed");
  assert.equal(bot.code, null);
  assert.deepEqual(bot.resources, { bot: "b", output: "o" });
  const job = parseDelivery(JSON.stringify({ event: "bot.log", data: { job_id: "j", log: { level: "error", message: "m" } } }));
  assert.equal(job.botId, null);
  assert.deepEqual(job.resources, { job: "j" });
});

test("realtime, calendar and call events", () => {
  const rt = parseDelivery(JSON.stringify({
    event: "participant_events.chat_message",
    data: {
      data: { participant: { id: 100, name: "Ada" }, timestamp: { absolute: "a", relative: 1 }, data: { text: "hi", to: "everyone" } },
      realtime_endpoint: { id: "re", metadata: {} },
      participant_events: { id: "pe", metadata: {} },
      recording: { id: "r", metadata: {} },
      bot: { id: "b", metadata: {} },
    },
  }));
  assert.equal(rt.shape, "realtime");
  assert.equal(rt.code, null);
  assert.deepEqual(rt.resources, { realtime_endpoint: "re", participant_events: "pe", recording: "r", bot: "b" });
  const cal = parseDelivery(JSON.stringify({ event: "calendar.sync_events", data: { calendar_id: "c", last_updated_ts: "2025-01-01T10:00:00Z" } }));
  assert.equal(cal.shape, "calendar");
  assert.deepEqual(cal.resources, { calendar: "c" });
  assert.equal(cal.botId, null);
  const call = parseDelivery(JSON.stringify({ event: "bot.participant_join", data: { bot_id: "b", participant_id: 100, created_at: "2025-01-01T10:00:00Z" } }));
  assert.equal(call.shape, "call_event");
  assert.equal(call.botId, "b");
  assert.deepEqual(call.resources, { bot: "b" });
});

test("unknown event and unknown sub code are kept raw, shape guessed from the body", () => {
  const p = parseDelivery(JSON.stringify({
    event: "bot.teleported",
    data: { data: { code: "teleported", sub_code: "beam_me_up", updated_at: "2030-01-01T00:00:00Z" }, bot: { id: "b", metadata: {} } },
  }));
  assert.equal(p.kind, "json");
  assert.equal(p.event, "bot.teleported");
  assert.equal(p.info, null);
  assert.equal(p.shape, "status");
  assert.equal(p.code, "teleported");
  assert.equal(p.subCode, "beam_me_up");
  assert.equal(p.subCodeDescription, null);
  assert.equal(p.botId, "b");
  const known = parseDelivery(JSON.stringify({ event: "bot.fatal", data: { data: { code: "fatal", sub_code: "zoom_new_thing" } } }));
  assert.equal(known.subCode, "zoom_new_thing");
  assert.equal(known.subCodeDescription, null);
  assert.equal(known.updatedAt, null);
  const bare = parseDelivery(JSON.stringify({ event: "x.y" }));
  assert.equal(bare.shape, "unknown");
  assert.deepEqual(bare.resources, {});
});

test("odd but valid JSON never throws", () => {
  for (const body of ['{"event":"bot.done","data":null}', '{"event":"bot.done","data":[1,2]}', '{"event":"bot.done","data":{"data":"x","bot":"y"}}',
    '{"event":"bot.done","data":{"data":{"code":5,"sub_code":{}},"bot":{"id":7,"metadata":[]}}}', '{"event":"bot.done","data":{"__proto__":{"id":"p"}}}']) {
    const p = parseDelivery(body);
    assert.equal(p.kind, "json", body);
    assert.equal(p.code, null, body);
    assert.equal(p.botId, null, body);
    assert.deepEqual(p.metadata, {}, body);
  }
});

test("JSON without a string event is json_other", () => {
  for (const body of ["[]", "42", "null", '"bot.done"', '{"type":"bot.done"}', '{"event":7}']) {
    const p = parseDelivery(body);
    assert.equal(p.kind, "json_other", body);
    assert.equal(p.event, null);
    assert.equal(p.info, null);
    assert.notEqual(p.json, undefined);
  }
});

test("non-JSON and invalid UTF-8 are text", () => {
  for (const body of ["", "hello", "{not json", "<xml/>"]) {
    const p = parseDelivery(body);
    assert.equal(p.kind, "text", body);
    assert.equal(p.json, undefined);
    assert.equal(p.event, null);
  }
  assert.equal(parseDelivery(new Uint8Array([0xff, 0xfe, 0x80, 0x00])).kind, "text");
  // A JSON body with a broken byte inside a string is not valid UTF-8 JSON either.
  const broken = Buffer.concat([Buffer.from('{"event":"bot.done","x":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
  assert.equal(parseDelivery(broken).kind, "text");
});

test("bytes parse like the string, BOM included", () => {
  const body = JSON.stringify({ event: "bot.done", data: { data: { code: "done", sub_code: null, updated_at: "t" }, bot: { id: "b", metadata: {} } } });
  const bytes = parseDelivery(Buffer.from(`\uFEFF${body}`));
  assert.equal(bytes.kind, "json");
  assert.equal(bytes.botId, "b");
  assert.equal(parseDelivery(`\uFEFF${body}`).code, "done");
});
