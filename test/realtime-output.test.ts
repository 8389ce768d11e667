import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ReceivedFrame } from "../src/listen/websocket.js";
import { renderFrame, renderSocket } from "../src/output/realtime.js";
import { renderRealtimeEvent, renderRealtimeSummary } from "../src/output/realtime-report.js";
import { PLAIN } from "../src/output/style.js";
import { parseDelivery } from "../src/recall/parse.js";

const AT = Date.UTC(2026, 0, 1, 10, 0, 5);
const BOT = "8c1f2a3b-0000-4000-8000-000000000000";

function frame(body: object, connection = "run:ws1"): ReceivedFrame {
  const data = Buffer.from(JSON.stringify(body));
  return { connection, seq: 1, path: "/rt", receivedAt: AT, binary: false, data, parsed: parseDelivery(data) };
}

const participant = { id: 100, name: "Ada", is_host: true, platform: "desktop", extra_data: {} };
const envelope = (event: string, inner: object): object => ({ event, data: { data: inner, recording: { id: "r", metadata: {} }, bot: { id: BOT, metadata: {} } } });

describe("the live view of real-time traffic", () => {
  it("an utterance reads as `Name: words`, a participant event in words, a chat message with its text", () => {
    const seen = new Set<string>();
    const clock = new Date(AT).toTimeString().slice(0, 8);
    const words = [{ text: "Hello" }, { text: "everyone" }];
    assert.deepEqual(renderFrame(frame(envelope("transcript.data", { words, participant })), PLAIN, seen), [`${clock}  Ada: Hello everyone  8c1f2a3b`]);
    assert.deepEqual(renderFrame(frame(envelope("participant_events.join", { participant, data: null })), PLAIN, seen), [`${clock}  · Ada joined  8c1f2a3b`]);
    assert.deepEqual(renderFrame(frame(envelope("participant_events.chat_message", { participant, data: { text: "hi\u001b[2J", to: "everyone" } })), PLAIN, seen).length, 1);
    assert.doesNotMatch(renderFrame(frame(envelope("participant_events.chat_message", { participant, data: { text: "hi\u001b[2J", to: "everyone" } })), PLAIN, seen)[0]!, /\u001b/);
    // Speech on/off and partials are counted, not printed.
    assert.deepEqual(renderFrame(frame(envelope("participant_events.speech_on", { participant, data: null })), PLAIN, seen), []);
    assert.deepEqual(renderFrame(frame(envelope("transcript.partial_data", { words, participant })), PLAIN, seen), []);
  });

  it("raw media: one line when a stream starts, then nothing per chunk; the totals when the connection closes", () => {
    const seen = new Set<string>();
    const chunk = frame(envelope("audio_separate_raw.data", { buffer: "AAAA", timestamp: { relative: 0, absolute: "x" }, participant }));
    const first = renderFrame(chunk, PLAIN, seen);
    assert.equal(first.length, 1);
    assert.match(first[0]!, /▸ audio_separate_raw\.data \(Ada\) streaming \(counted; totals when the connection closes\) {2}8c1f2a3b$/);
    assert.deepEqual(renderFrame(chunk, PLAIN, seen), []);
    assert.equal(renderFrame(frame(envelope("audio_separate_raw.data", { buffer: "AAAA", participant }), "run:ws2"), PLAIN, seen).length, 1);
    const closed = renderSocket({ state: "closed", connection: "run:ws1", path: "/rt", at: AT, verified: true, scheme: "webhook", id: "msg_1", code: 1000, frames: 1201, byEvent: { "audio_separate_raw.data": 1200, "transcript.data": 1 } }, PLAIN);
    assert.match(closed[0]!, /<== WebSocket \/rt closed \(1000\) after 1201 frames: audio_separate_raw\.data 1200, transcript\.data 1$/);
    assert.match(renderSocket({ state: "open", connection: "c", path: "/rt", at: AT, verified: true, scheme: "webhook", id: "msg_1" }, PLAIN)[0]!, /==> WebSocket \/rt open {2}✓ webhook-\* {2}msg_1$/);
  });

  it("simulate's report: retries and reconnections as they happen, a tally per endpoint", () => {
    assert.deepEqual(renderRealtimeEvent({ type: "attempt", endpoint: "http://h/rt", event: "transcript.data", id: "msg_1", attempt: 2, status: 500, error: null, message: "boom", retryInMs: 1000 }, BOT, PLAIN),
      ["  8c1f2a3b  ✗ transcript.data -> http://h/rt answered 500 (attempt 2)  retry 2 of 60 in 1000 ms"]);
    assert.deepEqual(renderRealtimeEvent({ type: "connect", endpoint: "ws://h/rt", attempt: 31, reconnect: true, ok: false, status: 503, message: "upgrade answered 503", retryInMs: null }, BOT, PLAIN),
      ["  8c1f2a3b  ✗ WebSocket ws://h/rt: upgrade answered 503 (reconnection 31)  no reconnections left"]);
    assert.deepEqual(renderRealtimeEvent({ type: "connect", endpoint: "ws://h/rt", attempt: 1, reconnect: false, ok: true, status: 101, message: null, retryInMs: null }, BOT, PLAIN), []);
    const lines = renderRealtimeSummary([{ botId: BOT, endpoints: [
      { url: "ws://h/rt", transport: "websocket", frames: 70, lost: 6, retries: 0, connections: 3, drops: 1, failed: false, byEvent: {} },
      { url: "http://h/rt", transport: "webhook", frames: 0, lost: 76, retries: 60, connections: 0, drops: 0, failed: true, byEvent: {} },
    ] }], PLAIN);
    assert.deepEqual(lines, [
      "", "real-time",
      "  8c1f2a3b  ws://h/rt (websocket)  70 frames, 3 connections, 1 dropped, 6 lost  incomplete",
      "  8c1f2a3b  http://h/rt (webhook)  0 frames, 60 retries, 76 lost  failed",
    ]);
  });
});
