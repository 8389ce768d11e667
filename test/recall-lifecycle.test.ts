import { test } from "node:test";
import assert from "node:assert/strict";
import { TRANSITIONS, canFollow, isOutOfOrder, isTerminal, parseTimestamp, statusRank } from "../src/recall/lifecycle.js";

// recall-webhooks.md §1.2, the rows marked [D].
const DOCUMENTED_EDGES: readonly (readonly [string, string])[] = [
  ["ready", "joining_call"],
  ["joining_call", "in_waiting_room"],
  ["joining_call", "in_call_not_recording"],
  ["joining_call", "fatal"],
  ["in_waiting_room", "in_call_not_recording"],
  ["in_waiting_room", "call_ended"],
  ["in_call_not_recording", "in_call_recording"],
  ["in_call_not_recording", "recording_permission_allowed"],
  ["in_call_not_recording", "recording_permission_denied"],
  ["in_call_not_recording", "call_ended"],
  ["recording_permission_denied", "call_ended"],
  ["in_call_recording", "call_ended"],
];

test("documented edges are allowed and marked documented", () => {
  for (const [from, to] of DOCUMENTED_EDGES) {
    assert.equal(canFollow(from, to), true, `${from} -> ${to}`);
    const t = TRANSITIONS.find((e) => e.from === from && e.to === to);
    assert.equal(t?.basis, "documented", `${from} -> ${to}`);
  }
  assert.equal(TRANSITIONS.filter((t) => t.basis === "documented").length, DOCUMENTED_EDGES.length);
});

test("inferred edges: pause, permission, the end of life", () => {
  const inferred = (from: string, to: string): void => {
    assert.equal(canFollow(from, to), true, `${from} -> ${to}`);
    assert.equal(TRANSITIONS.find((e) => e.from === from && e.to === to)?.basis, "inferred", `${from} -> ${to}`);
  };
  inferred("in_call_recording", "in_call_not_recording");
  inferred("recording_permission_allowed", "in_call_recording");
  inferred("recording_permission_denied", "recording_permission_allowed");
  inferred("recording_permission_allowed", "call_ended");
  inferred("in_waiting_room", "fatal");
  inferred("call_ended", "done");
  inferred("done", "analysis_done");
  inferred("done", "analysis_failed");
  inferred("done", "media_expired");
});

test("call_ended can follow every in-call state", () => {
  for (const from of ["in_waiting_room", "in_call_not_recording", "recording_permission_allowed", "recording_permission_denied", "in_call_recording"]) {
    assert.equal(canFollow(from, "call_ended"), true, from);
  }
});

test("forbidden steps, terminal states and unknown codes", () => {
  assert.equal(canFollow("call_ended", "in_call_recording"), false);
  assert.equal(canFollow("done", "joining_call"), false);
  assert.equal(canFollow("joining_call", "done"), false);
  for (const to of ["done", "call_ended", "joining_call", "in_call_recording"]) assert.equal(canFollow("fatal", to), false, to);
  assert.equal(TRANSITIONS.some((t) => t.from === "fatal"), false);
  assert.equal(canFollow("brand_new_code", "done"), null);
  assert.equal(canFollow("done", "brand_new_code"), null);
  assert.equal(isTerminal("fatal"), true);
  assert.equal(isTerminal("done"), true);
  assert.equal(isTerminal("call_ended"), false);
  assert.equal(isTerminal("brand_new_code"), false);
});

test("statusRank orders the life of a bot", () => {
  const rank = (c: string): number => {
    const r = statusRank(c);
    assert.notEqual(r, null, c);
    return r ?? -1;
  };
  assert.ok(rank("joining_call") < rank("in_waiting_room"));
  assert.ok(rank("in_waiting_room") < rank("in_call_not_recording"));
  assert.equal(rank("in_call_not_recording"), rank("in_call_recording"));
  assert.equal(rank("recording_permission_denied"), rank("in_call_recording"));
  assert.ok(rank("in_call_recording") < rank("call_ended"));
  assert.ok(rank("call_ended") < rank("done"));
  assert.equal(rank("done"), rank("fatal"));
  assert.equal(statusRank("brand_new_code"), null);
  assert.equal(statusRank("toString"), null);
});

const at = (code: string, updatedAt: string | null) => ({ code, updatedAt });

test("isOutOfOrder: an older timestamp is out of order", () => {
  assert.equal(isOutOfOrder(at("joining_call", "2024-12-04T23:25:56.339940Z"), at("in_waiting_room", "2024-12-04T23:25:56.339939Z")), true);
  assert.equal(isOutOfOrder(at("joining_call", "2024-12-04T23:25:56.339940Z"), at("in_waiting_room", "2024-12-04T23:25:56.339941Z")), false);
  // Same instant in two spellings.
  assert.equal(isOutOfOrder(at("joining_call", "2024-12-04T23:25:56.500000+00:00"), at("in_waiting_room", "2024-12-04T23:25:56.5Z")), false);
  // An offset that puts the second one earlier.
  assert.equal(isOutOfOrder(at("joining_call", "2024-12-04T23:25:56Z"), at("in_waiting_room", "2024-12-05T00:25:55+01:00")), true);
  assert.equal(isOutOfOrder(at("in_call_recording", "2025-12-15 00:00:01"), at("in_call_not_recording", "2025-12-15 00:00:00")), true);
});

test("isOutOfOrder: a regression in the graph is out of order whatever the clock says", () => {
  assert.equal(isOutOfOrder(at("call_ended", null), at("in_call_recording", null)), true);
  assert.equal(isOutOfOrder(at("done", "2024-01-01T00:00:00Z"), at("call_ended", "2024-01-01T00:00:01Z")), true);
  assert.equal(isOutOfOrder(at("fatal", null), at("done", null)), true, "nothing follows fatal");
  assert.equal(isOutOfOrder(at("in_call_recording", null), at("in_waiting_room", null)), true);
});

test("isOutOfOrder: forward steps, skips, pauses and unknown codes are fine", () => {
  assert.equal(isOutOfOrder(at("joining_call", null), at("in_waiting_room", null)), false);
  assert.equal(isOutOfOrder(at("joining_call", null), at("in_call_recording", null)), false, "a skipped event is not a regression");
  assert.equal(isOutOfOrder(at("in_call_recording", null), at("in_call_not_recording", null)), false, "pause");
  assert.equal(isOutOfOrder(at("in_call_not_recording", null), at("in_call_recording", null)), false, "resume");
  assert.equal(isOutOfOrder(at("done", null), at("analysis_done", null)), false);
  assert.equal(isOutOfOrder(at("in_call_recording", "2024-01-01T00:00:01Z"), at("in_call_recording", "2024-01-01T00:00:02Z")), false);
  assert.equal(isOutOfOrder(at("done", "2024-01-01T00:00:05Z"), at("brand_new_code", "2024-01-01T00:00:00Z")), false);
  assert.equal(isOutOfOrder(at("brand_new_code", null), at("joining_call", null)), false);
  assert.equal(isOutOfOrder(at("joining_call", "not a date"), at("in_waiting_room", "2024-01-01T00:00:00Z")), false);
});

test("parseTimestamp reads Recall's formats to the microsecond", () => {
  const base = Date.UTC(2024, 11, 4, 23, 25, 56) * 1000;
  assert.equal(parseTimestamp("2024-12-04T23:25:56.339940Z"), base + 339940);
  assert.equal(parseTimestamp("2024-12-04T23:25:56.339940+00:00"), base + 339940);
  assert.equal(parseTimestamp("2024-12-04T23:25:56+00:00"), base);
  assert.equal(parseTimestamp("2024-12-04 23:25:56"), base);
  assert.equal(parseTimestamp("2024-12-05T01:25:56.339940+02:00"), base + 339940);
  assert.equal(parseTimestamp("2024-12-04T23:25:56.339Z"), base + 339000);
  assert.equal(parseTimestamp("yesterday"), null);
  assert.equal(parseTimestamp(null), null);
  assert.equal(parseTimestamp(""), null);
});
