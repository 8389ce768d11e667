import { test } from "node:test";
import { RecallHooksError } from "../src/errors.js";
import assert from "node:assert/strict";
import { buildEvent, newMessageId, serializeEvent } from "../src/recall/build.js";
import { sign } from "../src/webhook/sign.js";
import { EVENTS } from "../src/recall/catalog.js";
import { parseDelivery } from "../src/recall/parse.js";

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const MICROS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const WHEN = new Date("2024-12-04T23:25:56.339Z");

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => {
  assert.ok(typeof v === "object" && v !== null && !Array.isArray(v), `expected an object, got ${JSON.stringify(v)}`);
  return v as Obj;
};

test("every catalog event builds, and parses back to itself", () => {
  for (const info of EVENTS) {
    const e = buildEvent(info.name, { updatedAt: WHEN });
    assert.equal(e.event, info.name);
    const p = parseDelivery(serializeEvent(e));
    assert.equal(p.kind, "json", info.name);
    assert.equal(p.info, info, info.name);
    if (info.shape === "status") assert.equal(p.code, info.code, info.name);
    if (info.resource === "sdk_upload" || info.shape === "calendar") assert.equal(p.botId, null, info.name);
    else assert.match(p.botId ?? "", UUID_V4, info.name);
    for (const id of Object.values(p.resources)) assert.match(id, UUID_V4, `${info.name} ids are UUIDv4`);
  }
});

test("status events: data.data with a microsecond updated_at, metadata on the bot only", () => {
  const e = buildEvent("transcript.done", { updatedAt: WHEN, metadata: { customer: "acme" }, botId: "b", recordingId: "r" });
  const data = obj(e.data);
  assert.deepEqual(Object.keys(data), ["data", "transcript", "recording", "bot"]);
  const inner = obj(data["data"]);
  assert.equal(inner["code"], "done");
  assert.equal(inner["sub_code"], null);
  assert.equal(inner["updated_at"], "2024-12-04T23:25:56.339000Z");
  assert.match(String(inner["updated_at"]), MICROS);
  assert.deepEqual(data["bot"], { id: "b", metadata: { customer: "acme" } });
  assert.deepEqual(data["recording"], { id: "r", metadata: {} });
  assert.deepEqual(obj(data["transcript"])["metadata"], {});
  assert.match(String(obj(buildEvent("bot.done")["data"]["data"])["updated_at"]), MICROS, "default clock too");
});

test("resource layout per family", () => {
  assert.deepEqual(Object.keys(buildEvent("bot.done").data), ["data", "bot"]);
  assert.deepEqual(Object.keys(buildEvent("recording.done").data), ["data", "recording", "bot"]);
  assert.deepEqual(Object.keys(buildEvent("video_mixed.done").data), ["data", "video_mixed", "recording", "bot"]);
  assert.deepEqual(Object.keys(buildEvent("sdk_upload.complete").data), ["data", "recording", "sdk_upload"]);
  assert.deepEqual(Object.keys(buildEvent("transcript.data").data), ["data", "realtime_endpoint", "transcript", "recording", "bot"]);
  assert.deepEqual(Object.keys(buildEvent("audio_mixed_raw.data").data), ["data", "realtime_endpoint", "audio_mixed", "recording", "bot"]);
});

test("default sub codes, and the subCode option overrides them", () => {
  const sub = (type: string, subCode?: string | null): unknown =>
    obj(buildEvent(type, subCode === undefined ? {} : { subCode }).data["data"])["sub_code"];
  assert.equal(sub("bot.fatal"), "meeting_not_found");
  assert.equal(sub("bot.call_ended"), "call_ended_by_host");
  assert.equal(sub("bot.recording_permission_denied"), "zoom_local_recording_request_denied_by_host");
  assert.equal(sub("transcript.failed"), "provider_connection_failed");
  assert.equal(sub("bot.done"), null);
  assert.equal(sub("recording.failed"), null);
  assert.equal(sub("bot.fatal", "zoom_web_disallowed"), "zoom_web_disallowed");
  assert.equal(sub("bot.fatal", null), null);
  assert.equal(sub("bot.done", "something_new"), "something_new");
});

test("ids: given ids win, the rest are fresh UUIDv4 from the generator", () => {
  let n = 0;
  const random = (): string => `00000000-0000-4000-8000-${String(++n).padStart(12, "0")}`;
  const e = buildEvent("participant_events.join", { botId: "bot-1", resourceIds: { recording: "rec-1" }, random });
  const p = parseDelivery(serializeEvent(e));
  assert.equal(p.resources["bot"], "bot-1");
  assert.equal(p.resources["recording"], "rec-1");
  assert.equal(p.resources["realtime_endpoint"], "00000000-0000-4000-8000-000000000001");
  assert.equal(p.resources["participant_events"], "00000000-0000-4000-8000-000000000002");
  const a = buildEvent("bot.done", { updatedAt: WHEN });
  const b = buildEvent("bot.done", { updatedAt: WHEN });
  assert.notEqual(serializeEvent(a), serializeEvent(b), "fresh ids by default");
});

test("participant events: numeric id, desktop platform, chat text", () => {
  const chat = obj(buildEvent("participant_events.chat_message", { text: "hi all" }).data["data"]);
  const participant = obj(chat["participant"]);
  assert.equal(participant["id"], 100);
  assert.equal(participant["platform"], "desktop");
  assert.equal(typeof participant["is_host"], "boolean");
  assert.deepEqual(chat["data"], { text: "hi all", to: "everyone" });
  assert.equal(typeof obj(chat["timestamp"])["relative"], "number");
  assert.equal(obj(buildEvent("participant_events.join").data["data"])["data"], null);
  const other = obj(obj(buildEvent("participant_events.speech_on", { participant: { id: 200, name: "Grace" } }).data["data"])["participant"]);
  assert.equal(other["id"], 200);
  assert.equal(other["name"], "Grace");
});

test("transcript.data has words with timestamps; raw media has base64 buffers", () => {
  const t = obj(buildEvent("transcript.data", { text: "one two three", updatedAt: WHEN }).data["data"]);
  const words = t["words"] as Obj[];
  assert.deepEqual(words.map((w) => w["text"]), ["one", "two", "three"]);
  for (const w of words) {
    assert.equal(typeof obj(w["start_timestamp"])["relative"], "number");
    assert.equal(typeof obj(w["end_timestamp"])["relative"], "number");
  }
  assert.ok(obj(t["participant"]));
  const audio = obj(buildEvent("audio_mixed_raw.data").data["data"]);
  const pcm = Buffer.from(String(audio["buffer"]), "base64");
  assert.equal(pcm.length % 2, 0, "S16LE samples");
  assert.ok(pcm.length > 0);
  const png = obj(buildEvent("video_separate_png.data").data["data"]);
  assert.equal(png["type"], "webcam");
  assert.deepEqual([...Buffer.from(String(png["buffer"]), "base64").subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  assert.ok(obj(obj(buildEvent("audio_separate_raw.data").data["data"])["participant"]));
  const provider = obj(obj(buildEvent("transcript.provider_data").data["data"])["data"]);
  assert.ok(obj(provider["payload"]));
});

test("legacy shapes: status_change, logs, calendar, call events", () => {
  const sc = buildEvent("bot.status_change", { botId: "b", recordingId: "r", updatedAt: WHEN });
  assert.deepEqual(sc.data, {
    bot_id: "b",
    status: {
      code: "fatal", created_at: "2024-12-04T23:25:56.339000+00:00", sub_code: "meeting_not_found",
      message: "No meeting was found at the given link.", recording_id: "r",
    },
  });
  const running = obj(buildEvent("bot.status_change", { code: "in_call_recording" }).data["status"]);
  assert.equal(running["sub_code"], null);
  assert.equal(running["message"], null);
  assert.equal("recording_id" in running, false);
  const log = obj(buildEvent("bot.output_log", { botId: "b" }).data["log"]);
  assert.equal(log["level"], "error");
  assert.equal(typeof log["message"], "string");
  assert.match(String(log["output_id"]), UUID_V4);
  const cal = buildEvent("calendar.sync_events", { resourceIds: { calendar: "c" }, updatedAt: WHEN });
  assert.deepEqual(cal.data, { calendar_id: "c", last_updated_ts: "2024-12-04T23:25:56.339000Z" });
  assert.deepEqual(buildEvent("calendar.update", { resourceIds: { calendar: "c" } }).data, { calendar_id: "c" });
  const call = buildEvent("bot.participant_join", { botId: "b", updatedAt: WHEN });
  assert.deepEqual(call.data, { bot_id: "b", participant_id: 100, created_at: "2024-12-04T23:25:56.339000Z" });
});

test("an unknown event type throws E_EVENT_UNKNOWN naming it", () => {
  assert.throws(() => buildEvent("bot.teleported"), (err: unknown) => {
    assert.ok(err instanceof RecallHooksError);
    assert.equal(err.code, "E_EVENT_UNKNOWN");
    assert.match(err.message, /bot\.teleported/);
    return true;
  });
});

test("serializeEvent writes Python's json.dumps by default, which a parse/stringify round trip changes (issue 8 defect 3)", () => {
  const e = buildEvent("bot.done", { botId: "b", updatedAt: WHEN, metadata: { host_name: "Zoë" } });
  const s = serializeEvent(e);
  assert.match(s, /^\{"event": "bot\.done", "data": \{"data": \{"code": "done", /);
  assert.match(s, /"host_name": "Zo\\u00eb"/);
  assert.notEqual(JSON.stringify(JSON.parse(s)), s, "a re-serialising handler sees other bytes");
  assert.deepEqual(JSON.parse(s), e);
  assert.equal(serializeEvent(e, "compact"), JSON.stringify(e));
  assert.equal(serializeEvent(e, "pretty").split("\n")[1], '  "event": "bot.done",');
});

test("sign() takes an event and a body format, for a library user's own tests", () => {
  const e = buildEvent("bot.done", { botId: "b", updatedAt: WHEN });
  const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const spaced = sign({ secret, id: "msg_1", timestamp: 1, body: e });
  assert.equal(spaced.body, serializeEvent(e));
  const compact = sign({ secret, id: "msg_1", timestamp: 1, body: e, bodyFormat: "compact" });
  assert.equal(compact.body, JSON.stringify(e));
  assert.equal(compact.signature, sign({ secret, id: "msg_1", timestamp: 1, body: JSON.stringify(e) }).signature);
});

test("newMessageId looks like a Svix id and does not repeat", () => {
  const ids = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const id = newMessageId();
    assert.match(id, /^msg_[0-9A-Za-z]{27}$/);
    ids.add(id);
  }
  assert.equal(ids.size, 200);
});
