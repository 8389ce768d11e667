import { test } from "node:test";
import assert from "node:assert/strict";
import {
  BOT_CODES, EVENTS, SUB_CODES, eventsMatching, findCode, findEvent, findSubCode, matchesAny, matchesPattern,
  subCodesFor,
} from "../src/recall/catalog.js";

// Copied by hand from recall-webhooks.md §2, so a dropped or misspelt catalog entry fails here.
const DOC_SUB_CODES: Readonly<Record<string, readonly string[]>> = {
  recording_permission_denied: [
    "zoom_local_recording_disabled", "zoom_local_recording_request_disabled",
    "zoom_local_recording_request_disabled_by_host", "zoom_bot_in_waiting_room", "zoom_host_not_present",
    "zoom_local_recording_request_denied_by_host", "zoom_local_recording_denied",
    "zoom_local_recording_grant_not_supported", "zoom_sdk_key_blocked_by_host_admin",
  ],
  call_ended: [
    "call_ended_by_host", "call_ended_by_platform_idle", "call_ended_by_platform_max_length",
    "call_ended_by_platform_waiting_room_timeout", "timeout_exceeded_waiting_room", "timeout_exceeded_noone_joined",
    "timeout_exceeded_everyone_left", "timeout_exceeded_silence_detected",
    "timeout_exceeded_only_bots_detected_using_participant_names",
    "timeout_exceeded_only_bots_detected_using_participant_events", "timeout_exceeded_in_call_not_recording",
    "timeout_exceeded_in_call_recording", "timeout_exceeded_recording_permission_denied",
    "timeout_exceeded_max_duration", "bot_kicked_from_call", "bot_kicked_from_waiting_room", "bot_received_leave_call",
    "timeout_exceeded_only_bots_in_call",
  ],
  fatal: [
    "bot_errored", "meeting_not_found", "meeting_not_started", "meeting_link_expired", "meeting_link_invalid",
    "meeting_password_incorrect", "meeting_locked", "meeting_full", "meeting_ended", "meeting_requires_registration",
    "meeting_requires_sign_in",
    "google_meet_internal_error", "google_meet_sign_in_failed", "google_meet_sign_in_captcha_failed",
    "google_meet_bot_blocked", "google_meet_sso_sign_in_failed", "google_meet_sign_in_missing_login_credentials",
    "google_meet_sign_in_missing_recovery_credentials", "google_meet_sso_sign_in_missing_login_credentials",
    "google_meet_sso_sign_in_missing_totp_secret", "google_meet_video_error", "google_meet_meeting_room_not_ready",
    "google_meet_login_not_available", "google_meet_permission_denied_breakout",
    "zoom_sdk_credentials_missing", "zoom_sdk_update_required", "zoom_sdk_app_not_published",
    "zoom_email_blocked_by_admin", "zoom_registration_required", "zoom_captcha_required", "zoom_account_blocked",
    "zoom_invalid_join_token", "zoom_invalid_signature", "zoom_internal_error", "zoom_join_timeout",
    "zoom_email_required", "zoom_web_disallowed", "zoom_connection_failed", "zoom_error_multiple_device_join",
    "zoom_meeting_not_accessible", "zoom_meeting_host_inactive", "zoom_invalid_webinar_invite",
    "microsoft_teams_call_dropped", "microsoft_teams_sign_in_credentials_missing", "microsoft_teams_sign_in_failed",
    "microsoft_teams_internal_error", "microsoft_teams_captcha_detected", "microsoft_teams_bot_not_invited",
    "microsoft_teams_breakout_room_unsupported", "microsoft_teams_event_not_started_for_external",
    "microsoft_teams_2fa_required", "webex_join_meeting_error",
    "failed_to_launch_in_time", "zoom_another_meeting_in_progress", "google_meet_knocking_disabled",
    "microsoft_teams_captcha_error",
  ],
  failed: ["provider_connection_failed", "zoom_global_captions_disabled", "zoom_host_disabled_meeting_captions", "zoom_captions_failure"],
};

const THIRD_PARTY_SUB_CODES = ["failed_to_launch_in_time", "zoom_another_meeting_in_progress", "google_meet_knocking_disabled", "microsoft_teams_captcha_error"];

// recall-webhooks.md §0, §1, §3, §4, §9.
const DOC_EVENTS = [
  "bot.joining_call", "bot.in_waiting_room", "bot.in_call_not_recording", "bot.recording_permission_allowed",
  "bot.recording_permission_denied", "bot.in_call_recording", "bot.call_ended", "bot.done", "bot.fatal",
  "bot.status_change", "bot.log", "bot.output_log",
  "bot.breakout_room_entered", "bot.breakout_room_left", "bot.breakout_room_opened", "bot.breakout_room_closed",
  "recording.processing", "recording.done", "recording.failed", "recording.deleted", "recording.paused",
  ...["participant_events", "transcript", "video_mixed", "video_separate", "audio_mixed", "audio_separate", "meeting_metadata"]
    .flatMap((m) => ["processing", "done", "failed", "deleted"].map((a) => `${m}.${a}`)),
  "sdk_upload.uploading", "sdk_upload.recording_started", "sdk_upload.recording_ended", "sdk_upload.complete", "sdk_upload.failed",
  "calendar.update", "calendar.sync_events",
  ...["join", "leave", "update", "speech_on", "speech_off", "webcam_on", "webcam_off", "screenshare_on", "screenshare_off", "chat_message"]
    .map((a) => `participant_events.${a}`),
  "transcript.data", "transcript.partial_data", "transcript.provider_data",
  "audio_mixed_raw.data", "audio_separate_raw.data", "video_separate_png.data",
  "bot.participant_join", "bot.participant_leave", "bot.active_speaker_notify", "bot.participant_screen_on",
  "bot.participant_screen_off", "bot.participant_in_waiting_room",
];

test("every sub code of §2 is in SUB_CODES with the right status, and nothing else is", () => {
  for (const [status, codes] of Object.entries(DOC_SUB_CODES)) {
    for (const code of codes) {
      const info = findSubCode(code, status);
      assert.ok(info, `missing sub code ${code}`);
      assert.equal(info.status, status, code);
      assert.equal(info.family, status === "failed" ? "transcript" : "bot", code);
      assert.ok(info.description.length > 10, `${code} needs a description`);
    }
    assert.deepEqual(subCodesFor(status).map((s) => s.subCode).sort(), [...codes].sort(), status);
  }
  const total = Object.values(DOC_SUB_CODES).reduce((n, list) => n + list.length, 0);
  assert.equal(SUB_CODES.length, total);
});

test("sub codes carry platform and basis", () => {
  for (const code of THIRD_PARTY_SUB_CODES) assert.equal(findSubCode(code)?.basis, "third-party", code);
  assert.equal(findSubCode("timeout_exceeded_only_bots_in_call")?.basis, "legacy");
  assert.equal(findSubCode("meeting_not_found")?.basis, "documented");
  assert.equal(findSubCode("zoom_web_disallowed")?.platform, "zoom");
  assert.equal(findSubCode("google_meet_bot_blocked")?.platform, "google_meet");
  assert.equal(findSubCode("microsoft_teams_2fa_required")?.platform, "microsoft_teams");
  assert.equal(findSubCode("webex_join_meeting_error")?.platform, "webex");
  assert.equal(findSubCode("bot_kicked_from_call")?.platform, "general");
  assert.equal(findSubCode("zoom_captions_failure", "failed")?.family, "transcript");
  for (const s of SUB_CODES) {
    if (s.subCode.startsWith("zoom_")) assert.equal(s.platform, "zoom", s.subCode);
    if (s.subCode.startsWith("google_meet_")) assert.equal(s.platform, "google_meet", s.subCode);
    if (s.subCode.startsWith("microsoft_teams_")) assert.equal(s.platform, "microsoft_teams", s.subCode);
  }
});

test("findSubCode falls back to the name alone and says undefined for unknown codes", () => {
  assert.equal(findSubCode("meeting_not_found", "call_ended")?.status, "fatal");
  assert.equal(findSubCode("something_recall_added_later"), undefined);
  assert.deepEqual(subCodesFor("no_such_status"), []);
});

test("every documented event is in EVENTS exactly once, with a description", () => {
  const names = EVENTS.map((e) => e.name);
  assert.equal(new Set(names).size, names.length, "duplicate event names");
  assert.deepEqual([...names].sort(), [...DOC_EVENTS].sort());
  for (const e of EVENTS) {
    assert.ok(e.description.endsWith("."), `${e.name} description is a sentence`);
    assert.equal(e.family, e.name.slice(0, e.name.indexOf(".")), e.name);
    if (e.shape === "status") assert.ok(e.code, `${e.name} needs a code`);
  }
});

test("event entries carry channel, shape, code, resource and basis", () => {
  const expect = (name: string, fields: Record<string, string | undefined>): void => {
    const e = findEvent(name);
    assert.ok(e, name);
    for (const [k, v] of Object.entries(fields)) assert.equal((e as unknown as Record<string, unknown>)[k], v, `${name}.${k}`);
  };
  expect("bot.fatal", { channel: "svix", shape: "status", code: "fatal", resource: "bot", basis: "documented" });
  expect("bot.status_change", { channel: "svix", shape: "legacy_status", basis: "legacy" });
  expect("bot.output_log", { shape: "legacy_log", basis: "legacy" });
  expect("bot.breakout_room_entered", { basis: "third-party" });
  expect("recording.paused", { code: "paused", resource: "recording" });
  expect("transcript.failed", { shape: "status", code: "failed", resource: "transcript", basis: "documented" });
  expect("video_mixed.done", { code: "done", resource: "video_mixed" });
  expect("sdk_upload.uploading", { code: "uploading", basis: "legacy" });
  expect("sdk_upload.recording_started", { code: "recording_started", basis: "documented" });
  expect("calendar.sync_events", { shape: "calendar", resource: "calendar" });
  expect("participant_events.chat_message", { channel: "realtime", shape: "realtime", resource: "participant_events" });
  expect("transcript.data", { channel: "realtime", resource: "transcript" });
  expect("audio_mixed_raw.data", { channel: "realtime", resource: "audio_mixed" });
  expect("bot.participant_join", { channel: "call_events", shape: "call_event", basis: "documented" });
  expect("bot.participant_screen_on", { channel: "call_events", basis: "legacy" });
  assert.equal(findEvent("bot.nope"), undefined);
});

test("BOT_CODES: nine current codes plus the legacy ones", () => {
  const current = BOT_CODES.filter((c) => c.basis === "documented").map((c) => c.code);
  assert.deepEqual(current, [
    "joining_call", "in_waiting_room", "in_call_not_recording", "recording_permission_allowed",
    "recording_permission_denied", "in_call_recording", "call_ended", "done", "fatal",
  ]);
  for (const code of ["ready", "participant_in_waiting_room", "recording_done", "analysis_done", "analysis_failed", "media_expired"]) {
    assert.equal(findCode(code)?.basis, "legacy", code);
  }
  assert.equal(findCode("in_breakout_room"), undefined);
  // Every bot status event's code is a known code.
  for (const e of EVENTS) if (e.shape === "status" && e.family === "bot" && e.basis !== "third-party") assert.ok(findCode(e.code ?? ""), e.name);
});

test("matchesPattern: * matches any run, otherwise exact", () => {
  assert.equal(matchesPattern("bot.done", "bot.*"), true);
  assert.equal(matchesPattern("bot.done", "*"), true);
  assert.equal(matchesPattern("bot.done", "bot.done"), true);
  assert.equal(matchesPattern("bot.done", "bot.don"), false);
  assert.equal(matchesPattern("botXdone", "bot.done"), false, "dot is literal");
  assert.equal(matchesPattern("transcript.done", "*.done"), true);
  assert.equal(matchesPattern("participant_events.speech_on", "participant_events.*_on"), true);
  assert.equal(matchesPattern("participant_events.speech_off", "participant_events.*_on"), false);
  assert.equal(matchesPattern("recording.done", "bot.*"), false);
  assert.equal(matchesPattern("a(b)+", "a(b)+"), true);
  assert.equal(matchesPattern("a(b)+x", "a(b)+*"), true);
});

test("matchesAny takes a list whose entries may be comma-separated", () => {
  assert.equal(matchesAny("bot.done", ["recording.*", "bot.*"]), true);
  assert.equal(matchesAny("bot.done", ["recording.*, bot.done"]), true);
  assert.equal(matchesAny("bot.fatal", ["recording.*,bot.done"]), false);
  assert.equal(matchesAny("bot.done", []), false);
  assert.equal(matchesAny("bot.done", [" , "]), false);
});

test("eventsMatching lists catalog events for a glob", () => {
  const bot = eventsMatching("bot.*").map((e) => e.name);
  assert.ok(bot.includes("bot.fatal") && bot.includes("bot.status_change") && bot.includes("bot.participant_join"));
  assert.ok(bot.every((n) => n.startsWith("bot.")));
  assert.deepEqual(eventsMatching("recording.*").map((e) => e.name).sort(),
    ["recording.deleted", "recording.done", "recording.failed", "recording.paused", "recording.processing"]);
  assert.equal(eventsMatching("*.failed").length, 9);
  assert.deepEqual(eventsMatching("calendar.update,calendar.sync_events").length, 2);
  assert.deepEqual(eventsMatching("nothing.*"), []);
});
