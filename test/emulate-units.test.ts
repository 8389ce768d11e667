import assert from "node:assert/strict";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { MeetingArtefacts } from "../src/emulate/artefacts.js";
import { checkBotBody, fillDefaults } from "../src/emulate/bot-config.js";
import { startEmulator } from "../src/emulate/emulator.js";
import { cursorOf, pageOf } from "../src/emulate/http/pagination.js";
import { parseFailRule } from "../src/emulate/http/limits.js";
import { parseMeetingUrl } from "../src/emulate/meeting-url.js";
import { redirectOrigin } from "../src/emulate/redirect-target.js";
import { parseScript } from "../src/realtime/script-parse.js";
import { wordsOf } from "../src/realtime/script.js";
import { MEET, recallClient } from "./helpers/emulate.js";

describe("emulate: meeting_url parsed into Recall's per-platform object", () => {
  const cases: Array<[string, Record<string, string | null> | null]> = [
    ["https://us02web.zoom.us/j/85912345678?pwd=abc", { meeting_id: "85912345678", meeting_password: "abc", platform: "zoom" }],
    ["https://zoom.us/wc/join/85912345678", { meeting_id: "85912345678", meeting_password: null, platform: "zoom" }],
    [MEET, { meeting_id: "abc-defg-hij", platform: "google_meet" }],
    ["https://meet.google.com/not-a-meeting-code", null],
    ["https://teams.microsoft.com/meet/4243215123?p=pw", {
      meeting_id: "4243215123", meeting_password: "pw", organizer_id: null, tenant_id: null, message_id: null, thread_id: null,
      business_meeting_id: null, business_meeting_password: null, platform: "microsoft_teams",
    }],
    ["https://webex.example.webex.com/meet/ada", { meeting_subdomain: "webex.example", meeting_personal_room_id: "ada", platform: "webex" }],
    ["https://acme.webex.com/acme/j.php?MTID=m123", { meeting_subdomain: "acme", meeting_mtid: "m123", meeting_path: "acme/j.php", platform: "webex" }],
    ["https://meet.goto.com/123456789", { meeting_id: "123456789", platform: "goto_meeting" }],
    ["https://example.com/j/123", null],
    ["not a url", null],
  ];
  for (const [url, expected] of cases) {
    it(url, () => assert.deepEqual(parseMeetingUrl(url)?.object ?? null, expected));
  }

  it("a Teams meetup-join link: thread, message, tenant and organizer from the link", () => {
    const context = encodeURIComponent(JSON.stringify({ Tid: "tenant-1", Oid: "org-1" }));
    const parsed = parseMeetingUrl(`https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0?context=${context}`);
    assert.equal(parsed?.object["thread_id"], "19:meeting_abc@thread.v2");
    assert.equal(parsed?.object["message_id"], "0");
    assert.equal(parsed?.object["tenant_id"], "tenant-1");
    assert.equal(parsed?.object["organizer_id"], "org-1");
    assert.equal(parseMeetingUrl("https://teams.live.com/meet/9391234?p=x")?.platform, "microsoft_teams_live");
  });
});

describe("emulate: Create Bot validation and defaults", () => {
  it("field maps in DRF's shape, nested for recording_config", () => {
    assert.deepEqual(checkBotBody([], false).errors, { non_field_errors: ["Invalid data. Expected a dictionary, but got list."] });
    assert.deepEqual(Object.keys(checkBotBody({ meeting_url: MEET, bot_name: 5, metadata: { a: 1 } }, false).errors ?? {}), ["bot_name", "metadata"]);
    assert.deepEqual(checkBotBody({ meeting_url: MEET, metadata: { a: 1 } }, false).errors, { metadata: { a: ["Not a valid string."] } });
    assert.equal(checkBotBody({ id: "x", status_changes: [], meeting_url: MEET }, false).errors, null, "read-only fields are ignored");
    const ws = checkBotBody({ meeting_url: MEET, recording_config: { realtime_endpoints: [{ type: "websocket", url: "wss://x", events: ["audio_mixed_raw.data"] }] } }, false);
    assert.match(JSON.stringify(ws.errors), /needs recording_config\.audio_mixed_raw to be enabled/);
    assert.equal(checkBotBody({ bot_name: "x" }, true).errors, null, "a partial update needs no meeting_url");
  });

  it("defaults are filled as Recall fills them; given nested fields merge over them", () => {
    const config = fillDefaults({ meeting_url: MEET, recording_config: { video_mixed_layout: "gallery_view" }, automatic_leave: { waiting_room_timeout: 60 } });
    const rc = config["recording_config"] as Record<string, unknown>;
    assert.equal(rc["video_mixed_layout"], "gallery_view");
    assert.equal(rc["start_recording_on"], "participant_join");
    assert.deepEqual(rc["realtime_endpoints"], []);
    assert.equal(rc["audio_mixed_raw"], null);
    const leave = config["automatic_leave"] as Record<string, unknown>;
    assert.equal(leave["waiting_room_timeout"], 60);
    assert.equal(leave["noone_joined_timeout"], 1200);
    assert.equal(config["bot_name"], "Meeting Notetaker");
    assert.deepEqual(config["metadata"], {});
  });
});

describe("emulate: artefacts of the meeting", () => {
  const script = parseScript([
    "[00:00] * Ada joins as host", "[00:01] * Bob joins", "[00:02] Ada: one two three", "[00:05] Bob: four five",
    "[00:08] * Bob email bob@example.com", "[00:09] * Ada chats: see you", "[00:12] Ada: six seven", "[00:15] * Bob leaves",
  ].join("\n"));
  const meeting = new MeetingArtefacts(script);
  const start = Date.UTC(2025, 0, 1);

  it("cut where the recording was: an utterance is downloaded when its transcript.data was due while recording", () => {
    // Bob's "four five" ends at 5.72 s; its transcript.data is due 0.5 s later.
    const early = { recordedMs: 6_000, seconds: 10, periods: [{ at: start, fromMs: 0 }] };
    assert.deepEqual(meeting.words(early), ["one", "two", "three"]);
    const later = { ...early, recordedMs: 6_300 };
    assert.deepEqual(meeting.words(later), ["one", "two", "three", "four", "five"]);
    assert.equal(meeting.transcript(later).length, 2);
    assert.equal(meeting.speakerTimeline(later).length, 2);
    const whole = { ...early, recordedMs: 20_000, seconds: 20 };
    assert.deepEqual(meeting.words(whole), script.utterances.flatMap((u) => wordsOf(u.text)));
    const events = meeting.participantEvents(whole, "5a7062f3-bd54-4838-b296-df84f85c7b92");
    assert.deepEqual(events.map((e) => e["action"]).filter((a) => a !== "speech_on" && a !== "speech_off"), ["join", "join", "update", "chat_message", "leave"]);
    assert.deepEqual(events.find((e) => e["action"] === "chat_message")!["data"], { text: "see you", to: "everyone" });
    assert.deepEqual(meeting.participants(whole).map((p) => [p["name"], p["email"]]), [["Ada", null], ["Bob", "bob@example.com"]]);
    assert.equal((meeting.transcript(whole)[0]!["words"] as Array<{ start_timestamp: { absolute: string } }>)[0]!.start_timestamp.absolute, "2025-01-01T00:00:02.000000Z");
  });

  it("after a pause, absolute times continue from the resume while relative times count recording", () => {
    const paused = { recordedMs: 20_000, seconds: 20, periods: [{ at: start, fromMs: 0 }, { at: start + 60_000, fromMs: 10_000 }] };
    const last = meeting.transcript(paused).at(-1)!["words"] as Array<{ start_timestamp: { absolute: string; relative: number } }>;
    assert.deepEqual(last[0]!.start_timestamp, { relative: 12, absolute: "2025-01-01T00:01:02.000000Z" });
  });

  it("the WAV is exactly the recording's length, with sound while someone speaks", () => {
    const audio = meeting.wav({ recordedMs: 12_500, seconds: 12.5, periods: [] });
    assert.equal(audio.readUInt32LE(40), 12.5 * 16_000 * 2);
    assert.equal(audio.length, 44 + audio.readUInt32LE(40));
    assert.equal(audio.readUInt32LE(4), audio.length - 8);
    assert.equal(audio.readInt16LE(44 + 16_000 * 2 * 1), 0, "silence at 1 s");
    assert.ok(audio.subarray(44 + 16_000 * 2 * 2, 44 + 16_000 * 2 * 2 + 400).some((b) => b !== 0), "a tone at 2 s");
  });
});

describe("emulate: small parts", () => {
  it("page-based lists: full next/previous URLs, 404 (null) past the end", () => {
    const items = Array.from({ length: 25 }, (_, i) => i);
    const first = pageOf(items, new URL("http://h/api/v1/bot/?status=done"))!;
    assert.equal(first.count, 25);
    assert.equal(first.next, "http://h/api/v1/bot/?status=done&page=2");
    assert.equal(first.previous, null);
    const third = pageOf(items, new URL(first.next!.replace("page=2", "page=3")))!;
    assert.deepEqual(third.results, [20, 21, 22, 23, 24]);
    assert.equal(third.next, null);
    assert.equal(pageOf(items, new URL("http://h/x?page=4")), null);
    const cursor = cursorOf(items, new URL("http://h/r/"));
    assert.deepEqual(cursorOf(items, new URL(cursor.next!)).results, [10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  });

  it("--fail-create rules and RECALL_HOOKS_EMULATOR", () => {
    assert.deepEqual(parseFailRule("507:0.2"), { status: 507, rate: 0.2 });
    assert.deepEqual(parseFailRule("429"), { status: 429, rate: 1 });
    assert.equal(parseFailRule("507:2"), null);
    assert.equal(parseFailRule("200:0.5"), null);
    assert.equal(redirectOrigin("http://127.0.0.1:8080/x").origin, "http://127.0.0.1:8080");
    assert.equal(redirectOrigin(undefined).origin, null);
    assert.match(redirectOrigin("ftp://x").problem, /not an http:\/\/ URL/);
  });
});

describe("emulate: --state", () => {
  it("a bot still moving when the emulator stops carries on after a restart with the same state file", async () => {
    const statePath = join(await mkdtemp(join(tmpdir(), "emulate-state-")), "state.json");
    let joined!: () => void;
    const joining = new Promise<void>((r) => { joined = r; });
    const first = await startEmulator({ speed: 1, statePath, apiKey: "k", onStatus: (_b, c) => { if (c.code === "joining_call") joined(); } });
    let id: string;
    try {
      id = (await recallClient(first.url, "k")("POST", "/api/v1/bot/", { meeting_url: MEET })).json.id;
      await joining; // then it waits 3 s (speed 1) for the waiting room: the restart must carry it on
    } finally {
      await first.close();
    }
    const second = await startEmulator({ speed: 0, statePath, apiKey: "k" });
    try {
      await second.idle();
      const bot = (await recallClient(second.url, "k")("GET", `/api/v1/bot/${id}/`)).json;
      assert.equal(bot.status_changes.filter((c: { code: string }) => c.code === "joining_call").length, 1);
      assert.equal(bot.status_changes.at(-1).code, "done");
      assert.equal(bot.recordings[0].status.code, "done");
    } finally {
      await second.close();
    }
  });
});
