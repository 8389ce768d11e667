import assert from "node:assert/strict";
import { inflateSync } from "node:zlib";
import { describe, it } from "node:test";
import { FrameBodies, streamIdentity } from "../src/realtime/bodies.js";
import { expandScript, partialLengths } from "../src/realtime/frames.js";
import { crc32, pcmChunk, solidPng } from "../src/realtime/media.js";
import { parseScript } from "../src/realtime/script-parse.js";
import { ScriptError, meetingScript } from "../src/realtime/script.js";

describe("meeting scripts", () => {
  it("the built-in meeting: three people, one host, about two minutes, a late joiner, a chat message and a screenshare", async () => {
    const script = await meetingScript();
    assert.deepEqual(script.participants.map((p) => [p.id, p.name, p.isHost]), [[100, "Ada", true], [200, "Grace", false], [300, "Alan", false]]);
    assert.ok(script.duration >= 110 && script.duration <= 130, String(script.duration));
    const types = script.actions.map((a) => a.type);
    for (const t of ["chat_message", "screenshare_on", "screenshare_off", "leave", "update"]) assert.ok(types.includes(t as never), t);
    assert.ok(script.actions.find((a) => a.participant === 300 && a.type === "join")!.at > 30);
  });

  it("reads the text form: spoken lines, actions, comments; names become stable numeric ids", () => {
    const script = parseScript("# a comment\n[00:00] * Bo joins\n[00:01] Bo: Hello there\n[1:02.5] Cy: Hi Bo\n[01:05] * Cy chats to Bo: psst\n[01:06] * Bo email bo@example.com\n");
    assert.deepEqual(script.participants.map((p) => [p.id, p.name, p.isHost, p.platform, p.email, p.extraData]), [[100, "Bo", true, "desktop", null, {}], [200, "Cy", false, "desktop", null, {}]]);
    assert.deepEqual(script.utterances, [{ at: 1, speaker: 100, text: "Hello there" }, { at: 62.5, speaker: 200, text: "Hi Bo" }]);
    // Cy never joins: present from the start.
    assert.deepEqual(script.actions.map((a) => [a.at, a.participant, a.type]), [[0, 200, "join"], [0, 100, "join"], [65, 200, "chat_message"], [66, 100, "update"]]);
    assert.deepEqual(script.actions[2], { at: 65, participant: 200, type: "chat_message", text: "psst", to: "Bo" });
  });

  it("reads the JSON form: participants with host, platform, email and extra data; utterances, chat and events", () => {
    const script = parseScript(JSON.stringify({
      participants: [{ name: "Ada", host: true, join: 0, leave: "00:30", email: "ada@example.com", extra_data: { team: "core" } }, { name: "Bob", platform: "dial-in", join: 2 }],
      utterances: [{ at: 1, speaker: "Ada", text: "Hello Bob" }, { at: "00:03", speaker: "Bob", text: "Hi" }],
      chat: [{ at: 5, from: "Bob", text: "link" }],
      events: [{ at: 6, participant: "Ada", type: "screenshare_on" }],
    }));
    assert.deepEqual(script.participants[0], { id: 100, name: "Ada", isHost: true, platform: "desktop", email: "ada@example.com", extraData: { team: "core" } });
    assert.equal(script.participants[1]!.platform, "dial-in");
    assert.deepEqual(script.actions.map((a) => a.type), ["join", "join", "chat_message", "screenshare_on", "leave"]);
  });

  it("refuses what Recall could not send, saying where", () => {
    const cases: [string, RegExp][] = [
      ["[00:05] * Ada joins\n[00:02] Ada: too early\n", /line 2 \(00:02\): Ada is not in the meeting then/],
      ["[00:00] Ada: bye\n[00:02] * Ada leaves\n[00:03] Ada: still here\n", /line 3 \(00:03\): Ada is not in the meeting then/],
      ["[00:00] Ada: one two three four five six\n[00:01] Ada: overlap\n", /Ada is still speaking/],
      ["[00:00] Ada: one two three four\n[00:01] * Ada leaves\n", /leaves while still speaking/],
      ["Ada: no time\n", /line 1: expected "\[mm:ss\] Name: words"/],
      ["[00:00] * Ada dances\n", /unknown action "Ada dances"/],
      ["[00:75] Ada: hi\n", /"00:75" is not a time/],
      ["[00:00] * Ada joins\n", /nobody speaking/],
      ['{"utterances": [{"at": -1, "speaker": "A", "text": "x"}]}', /utterances\[0\]\.at must be seconds/],
      ["{ not json", /not valid JSON/],
    ];
    for (const [text, message] of cases) assert.throws(() => parseScript(text), (e: unknown) => e instanceof ScriptError && message.test(e.message) && e.code === "E_SCRIPT", text);
  });
});

/** The resource key of each family (recall-webhooks.md §9: without `_raw`). */
const RESOURCE: Record<string, string> = {
  participant_events: "participant_events", transcript: "transcript", audio_mixed_raw: "audio_mixed", audio_separate_raw: "audio_separate", video_separate_png: "video_separate",
};

describe("frames of a script", () => {
  it("partials are growing prefixes of the final words and come before it", async () => {
    const frames = expandScript(await meetingScript(), { partials: true });
    assert.deepEqual(partialLengths(1), [1]);
    assert.deepEqual(partialLengths(3), [1, 2]);
    assert.deepEqual(partialLengths(10), [3, 6, 9]);
    const pending = new Map<number, string[][]>();
    for (const f of frames) {
      if (f.spec.kind !== "transcript") continue;
      const words = f.spec.words.map((w) => w.text);
      if (f.event === "transcript.partial_data") pending.set(f.spec.participant, [...(pending.get(f.spec.participant) ?? []), words]);
      else {
        const partials = pending.get(f.spec.participant) ?? [];
        assert.ok(partials.length > 0);
        partials.forEach((p, i) => {
          assert.deepEqual(p, words.slice(0, p.length));
          if (i > 0) assert.ok(p.length > partials[i - 1]!.length);
        });
        pending.delete(f.spec.participant);
      }
    }
  });

  it("bodies: Recall's envelope, numeric participant ids, string maps for metadata, relative and absolute times", async () => {
    const script = await meetingScript();
    const frames = expandScript(script, { rawAudio: "separate", video: true });
    const identity = streamIdentity("bot-1", "rec-1", { user: "7" });
    const bodies = new FrameBodies(script, identity, "ep-1", "compact");
    const start = Date.parse("2026-01-01T10:00:00Z");
    for (const frame of frames.filter((_, i) => i % 7 === 0)) {
      const body = JSON.parse(bodies.body(frame, (s) => start + s * 1000)) as { event: string; data: Record<string, any> };
      assert.equal(body.event, frame.event);
      assert.deepEqual(body.data.realtime_endpoint, { id: "ep-1", metadata: {} });
      assert.deepEqual(body.data.recording, { id: "rec-1", metadata: {} });
      assert.deepEqual(body.data.bot, { id: "bot-1", metadata: { user: "7" } });
      assert.deepEqual(Object.keys(body.data), ["data", "realtime_endpoint", RESOURCE[frame.event.split(".")[0]!], "recording", "bot"]);
      const p = body.data.data.participant;
      if (p !== undefined) {
        assert.equal(typeof p.id, "number");
        assert.equal(typeof p.is_host, "boolean");
        assert.deepEqual(p.extra_data, {});
      }
      const ts = body.data.data.timestamp ?? body.data.data.words[0].start_timestamp;
      assert.ok(Math.abs(Date.parse(ts.absolute) - (start + ts.relative * 1000)) <= 1);
    }
    // The spaced default is not what JSON.stringify writes: a handler that re-serialises fails.
    const spaced = new FrameBodies(script, identity, "ep-1").body(frames[0]!, () => start);
    assert.match(spaced, /^\{"event": "participant_events\.join", "data": \{/);
  });
});

describe("synthesised media", () => {
  it("solidPng writes a valid PNG: signature, chunk CRCs, and rows that inflate to the colour", () => {
    const png = solidPng(4, 3, [10, 20, 30]);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    let at = 8;
    const chunks: { type: string; data: Buffer }[] = [];
    while (at < png.length) {
      const length = png.readUInt32BE(at);
      const type = png.toString("latin1", at + 4, at + 8);
      const data = png.subarray(at + 8, at + 8 + length);
      assert.equal(png.readUInt32BE(at + 8 + length), crc32(png.subarray(at + 4, at + 8 + length)), `${type} CRC`);
      chunks.push({ type, data });
      at += 12 + length;
    }
    assert.deepEqual(chunks.map((c) => c.type), ["IHDR", "IDAT", "IEND"]);
    assert.deepEqual([chunks[0]!.data.readUInt32BE(0), chunks[0]!.data.readUInt32BE(4), chunks[0]!.data[8], chunks[0]!.data[9]], [4, 3, 8, 2]);
    const rows = inflateSync(chunks[1]!.data);
    assert.equal(rows.length, 3 * (1 + 4 * 3));
    assert.deepEqual([...rows.subarray(0, 4)], [0, 10, 20, 30]);
    assert.equal(crc32(Buffer.from("123456789")), 0xcbf43926);
  });

  it("pcmChunk: 16 kHz S16LE, silence as zeros, a tone while someone speaks", () => {
    const voices = [{ from: 0.05, to: 0.1, hz: 440 }];
    const chunk = pcmChunk(voices, 0, 100);
    assert.equal(chunk.length, 1600 * 2);
    const samples = Array.from({ length: 1600 }, (_, i) => chunk.readInt16LE(i * 2));
    assert.ok(samples.slice(0, 800).every((s) => s === 0));
    assert.ok(samples.slice(800).some((s) => Math.abs(s) > 3000));
    assert.ok(pcmChunk(voices, 100, 100).every((b) => b === 0));
  });
});
