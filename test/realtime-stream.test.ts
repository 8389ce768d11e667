import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { expandScript } from "../src/realtime/frames.js";
import { parseScript } from "../src/realtime/script-parse.js";
import { meetingScript } from "../src/realtime/script.js";
import { WEBHOOK_RETRY, WEBSOCKET_RECONNECT, type RealtimeEvent } from "../src/realtime/endpoint.js";
import { simulate } from "../src/simulate/simulate.js";
import { generateSecret } from "../src/webhook/secret.js";
import { startReceiver } from "./helpers/receiver.js";
import { startWsReceiver, type WsFrame } from "./helpers/ws-receiver.js";

const secret = generateSecret();

/** The words of each transcript.data, joined, per speaker name. */
function utterancesBySpeaker(frames: readonly { event: string; data: Record<string, any> }[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of frames) {
    if (f.event !== "transcript.data") continue;
    const name = f.data.data.participant.name as string;
    const text = (f.data.data.words as { text: string }[]).map((w) => w.text).join(" ");
    out.set(name, [...(out.get(name) ?? []), text]);
  }
  return out;
}

function scriptBySpeaker(script: Awaited<ReturnType<typeof meetingScript>>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const u of script.utterances) {
    const name = script.participants.find((p) => p.id === u.speaker)!.name;
    out.set(name, [...(out.get(name) ?? []), u.text]);
  }
  return out;
}

describe("real-time streams to a real ws server and a real HTTP server", () => {
  it("the meeting arrives complete and in order at both kinds, signed, with the bot's ids", async () => {
    const script = await meetingScript();
    const ws = await startWsReceiver(secret);
    const http = await startReceiver(secret);
    try {
      const report = await simulate({
        to: http.url, secret, speed: 0, partials: true, artifacts: true, realtimeTo: [ws.url, `${http.url}?realtime=1`],
      });
      assert.equal(report.summary.ok, true);
      const expected = expandScript(script, { partials: true }).map((f) => f.event);
      assert.deepEqual(ws.frames.map((f) => f.json.event), expected);
      const posts = http.received.filter((r) => r.path.includes("realtime=1"));
      assert.deepEqual(posts.map((r) => r.event), expected);
      // Every POST and every upgrade verifies with svix (the upgrade over an empty body).
      assert.ok(http.received.every((r) => r.verified));
      assert.equal(ws.upgrades.length, 1);
      assert.ok(ws.upgrades.every((u) => u.verified && typeof u.headers["webhook-id"] === "string"));
      assert.ok(ws.frames.every((f) => !f.isBinary));
      // Words put back together are the script, speaker by speaker, at both endpoints.
      assert.deepEqual(utterancesBySpeaker(ws.frames.map((f) => f.json)), scriptBySpeaker(script));
      assert.deepEqual(utterancesBySpeaker(posts.map((r) => JSON.parse(r.text))), scriptBySpeaker(script));
      // The same bot and recording as the status webhooks; one realtime_endpoint id per endpoint.
      const status = http.received.find((r) => r.event === "bot.in_call_recording")!;
      const botId = status.botId;
      const recordingId = JSON.parse(http.received.find((r) => r.event === "recording.done")!.text).data.recording.id as string;
      for (const f of [...ws.frames.map((x) => x.json), ...posts.map((r) => JSON.parse(r.text))]) {
        assert.equal(f.data.bot.id, botId);
        assert.deepEqual(f.data.bot.metadata, JSON.parse(status.text).data.bot.metadata);
        assert.equal(f.data.recording.id, recordingId);
        for (const key of ["realtime_endpoint", "recording", "bot"]) assert.equal(typeof f.data[key].metadata, "object");
      }
      const endpointIds = new Set([ws.frames[0]!.json.data.realtime_endpoint.id, JSON.parse(posts[0]!.text).data.realtime_endpoint.id]);
      assert.equal(endpointIds.size, 2);
      assert.equal(report.realtime.length, 1);
      assert.deepEqual(report.realtime[0]!.endpoints.map((e) => [e.transport, e.frames, e.lost, e.failed]), [["websocket", expected.length, 0, false], ["webhook", expected.length, 0, false]]);
    } finally {
      await ws.close();
      await http.close();
    }
  });

  it("speech_on and speech_off bracket each utterance; nobody speaks before joining or after leaving", async () => {
    const ws = await startWsReceiver(secret);
    const http = await startReceiver(secret);
    try {
      await simulate({ to: http.url, secret, speed: 0, realtimeTo: [ws.url] });
      const speaking = new Set<number>();
      const present = new Set<number>();
      for (const { json } of ws.frames) {
        const id = json.data.data.participant.id as number;
        assert.equal(typeof id, "number");
        switch (json.event) {
          case "participant_events.join": present.add(id); break;
          case "participant_events.leave": assert.ok(!speaking.has(id)); present.delete(id); break;
          case "participant_events.speech_on": assert.ok(present.has(id) && !speaking.has(id)); speaking.add(id); break;
          case "participant_events.speech_off": assert.ok(speaking.has(id)); speaking.delete(id); break;
          case "transcript.data": assert.ok(present.has(id) && !speaking.has(id), "a final utterance follows its speech_off"); break;
        }
      }
      assert.equal(speaking.size, 0);
    } finally {
      await ws.close();
      await http.close();
    }
  });

  it("the paused-resumed scenario pauses the stream: no frame between the pause and the resume", async () => {
    // A webhook endpoint answers each frame before the next is sent, so the order seen is the order sent.
    const log: string[] = [];
    const frames = await startReceiver(secret, (r) => { log.push(`frame ${r.event}`); return 204; });
    const http = await startReceiver(secret, (r) => { log.push(`status ${r.event}`); return 204; });
    try {
      await simulate({ to: http.url, secret, speed: 0, scenario: "paused-resumed", realtimeTo: [frames.url] });
      const statuses = log.filter((l) => l.startsWith("status bot.in_call"));
      assert.deepEqual(statuses, ["status bot.in_call_not_recording", "status bot.in_call_recording", "status bot.in_call_not_recording", "status bot.in_call_recording"]);
      const pause = log.indexOf("status bot.in_call_not_recording", log.indexOf("status bot.in_call_recording"));
      const resume = log.indexOf("status bot.in_call_recording", pause);
      assert.ok(log.slice(pause + 1, resume).every((l) => l.startsWith("status")), "frames during the pause");
      assert.ok(log.slice(0, pause).some((l) => l.startsWith("frame")) && log.slice(resume).some((l) => l.startsWith("frame")));
      assert.ok(log.indexOf("status bot.call_ended") > log.findLastIndex((l) => l.startsWith("frame")));
      assert.equal(frames.received.length, expandScript(await meetingScript()).length);
    } finally {
      await frames.close();
      await http.close();
    }
  });

  it("a server that refuses every upgrade gets 1 + 30 attempts 3 s apart (divided by --speed), then the endpoint is failed", async () => {
    const ws = await startWsReceiver(secret, { refuse: () => 503 });
    const http = await startReceiver(secret);
    const events: RealtimeEvent[] = [];
    try {
      const report = await simulate({ to: http.url, secret, speed: 1000, realtimeTo: [ws.url], realtimeEvents: ["transcript.data"], onRealtime: (e) => events.push(e) });
      assert.equal(ws.upgrades.length, 1 + WEBSOCKET_RECONNECT.attempts);
      assert.ok(ws.upgrades.every((u) => u.verified));
      const connects = events.filter((e) => e.type === "connect");
      assert.equal(connects.length, 31);
      assert.deepEqual(connects.map((e) => e.type === "connect" && e.status), Array(31).fill(503));
      assert.deepEqual(connects.map((e) => e.type === "connect" && e.retryInMs), [...Array(30).fill(3), null]);
      assert.ok(events.some((e) => e.type === "endpoint_failed"));
      const summary = report.realtime[0]!.endpoints[0]!;
      assert.equal(summary.failed, true);
      assert.equal(summary.frames, 0);
      assert.equal(summary.lost, 22);
      // The status webhooks do not depend on the real-time endpoint.
      assert.equal(report.summary.ok, true);
    } finally {
      await ws.close();
      await http.close();
    }
  });

  it("a connection dropped mid-stream is reconnected and the rest of the meeting arrives", async () => {
    const ws = await startWsReceiver(secret, { dropAfter: 10, refuse: (i) => (i === 1 ? 502 : undefined) });
    const http = await startReceiver(secret);
    const events: RealtimeEvent[] = [];
    try {
      // Speed 100: the meeting takes a second, so the drop comes while frames are still due.
      const report = await simulate({ to: http.url, secret, speed: 100, realtimeTo: [ws.url], onRealtime: (e) => events.push(e) });
      assert.deepEqual(events.map((e) => e.type), ["connect", "disconnect", "connect", "connect"]);
      const [, , failedReconnect, reconnect] = events;
      assert.deepEqual(failedReconnect, { ...failedReconnect, type: "connect", reconnect: true, ok: false, status: 502, retryInMs: 30 });
      assert.deepEqual(reconnect, { ...reconnect, type: "connect", reconnect: true, ok: true });
      assert.equal(ws.upgrades.length, 3);
      assert.ok(ws.upgrades.every((u) => u.verified));
      assert.deepEqual(new Set(ws.upgrades.map((u) => u.headers["webhook-id"])).size, 3);
      const second = ws.frames.filter((f) => f.connection === 2);
      const expected = expandScript(await meetingScript()).map((f) => f.event);
      assert.ok(ws.frames.filter((f) => f.connection === 1).length >= 10);
      // Frames written to the dropped connection are gone, as with Recall; the rest come in order.
      assert.deepEqual(second.map((f) => f.json.event), expected.slice(expected.length - second.length));
      assert.ok(second.length > 0);
      const summary = report.realtime[0]!.endpoints[0]!;
      assert.deepEqual([summary.connections, summary.drops, summary.failed], [3, 1, false]);
    } finally {
      await ws.close();
      await http.close();
    }
  });

  it("a webhook endpoint answering 500 gets each event 61 times 1 s apart (divided by --speed), sequentially, then nothing more", async () => {
    const status = await startReceiver(secret);
    const failing = await startReceiver(secret, () => 500);
    const events: RealtimeEvent[] = [];
    try {
      const report = await simulate({ to: status.url, secret, speed: 1000, realtimeTo: [failing.url], onRealtime: (e) => events.push(e) });
      // One event, retried: the same id every time; no later event is sent while it fails.
      assert.equal(failing.received.length, 1 + WEBHOOK_RETRY.retries);
      assert.equal(new Set(failing.received.map((r) => r.id)).size, 1);
      assert.ok(failing.received.every((r) => r.verified && r.event === "participant_events.join"));
      const attempts = events.filter((e) => e.type === "attempt");
      assert.deepEqual(attempts.map((e) => e.type === "attempt" && e.retryInMs), [...Array(60).fill(1), null]);
      assert.equal(events.at(-1)?.type, "endpoint_failed");
      const summary = report.realtime[0]!.endpoints[0]!;
      assert.equal(summary.failed, true);
      assert.equal(summary.lost, expandScript(await meetingScript()).length);
    } finally {
      await status.close();
      await failing.close();
    }
  });

  it("raw audio decodes to PCM whose sound lines up with the utterances within one chunk; video frames are PNGs", async () => {
    const script = parseScript("[00:00] * Ada joins as host\n[00:00] * Ada webcam on\n[00:01] Ada: one two three\n[00:04] Bob: four five\n");
    const ws = await startWsReceiver(secret);
    const http = await startReceiver(secret);
    try {
      await simulate({ to: http.url, secret, speed: 0, script, rawAudio: "mixed", video: true, chunkMs: 100, realtimeTo: [ws.url] });
      const audio = ws.frames.filter((f) => f.json.event === "audio_mixed_raw.data");
      assert.equal(audio.length, script.duration * 10);
      const loud = audio.map((f: WsFrame) => {
        const pcm = Buffer.from(f.json.data.data.buffer as string, "base64");
        assert.equal(pcm.length, 3200);
        let peak = 0;
        for (let i = 0; i < pcm.length; i += 2) peak = Math.max(peak, Math.abs(pcm.readInt16LE(i)));
        return { at: f.json.data.data.timestamp.relative as number, loud: peak > 0 };
      });
      const regions = regionsOf(loud, 0.1);
      const spoken = script.utterances.map((u) => ({ from: u.at, to: u.at + (u.text.split(" ").length - 1) * 0.4 + 0.32 }));
      assert.equal(regions.length, spoken.length);
      regions.forEach((r, i) => {
        assert.ok(Math.abs(r.from - spoken[i]!.from) <= 0.1 && Math.abs(r.to - spoken[i]!.to) <= 0.1, `${JSON.stringify(r)} vs ${JSON.stringify(spoken[i])}`);
      });
      assert.ok(audio.every((f) => f.json.data.audio_mixed.id && !("participant" in f.json.data.data)));
      const video = ws.frames.filter((f) => f.json.event === "video_separate_png.data");
      assert.ok(video.length > 0);
      const png = Buffer.from(video[0]!.json.data.data.buffer as string, "base64");
      assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      assert.equal(video[0]!.json.data.data.type, "webcam");
      assert.equal(video[0]!.json.data.data.participant.id, 100);
      // Raw media is never sent to a webhook endpoint.
      assert.ok(!http.received.some((r) => r.event.includes("_raw") || r.event.includes("png")));
    } finally {
      await ws.close();
      await http.close();
    }
  });

  it("raw media with only webhook endpoints is refused, as Recall refuses it", async () => {
    await assert.rejects(simulate({ to: "http://127.0.0.1:9/", secret, realtimeTo: ["http://127.0.0.1:9/rt"], rawAudio: "mixed" }), /WebSocket endpoints only/);
  });
});

/** Runs of loud chunks as [from, to) seconds. */
function regionsOf(chunks: readonly { at: number; loud: boolean }[], chunk: number): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  for (const c of chunks) {
    const last = out.at(-1);
    if (!c.loud) continue;
    if (last !== undefined && Math.abs(last.to - c.at) < 1e-6) last.to = c.at + chunk;
    else out.push({ from: c.at, to: c.at + chunk });
  }
  return out;
}
