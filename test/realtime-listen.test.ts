import assert from "node:assert/strict";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import WebSocket from "ws";
import { readFrames } from "../src/deliveries/frames-read.js";
import { type ListenerEvent, startListener } from "../src/listen/listener.js";
import { expandScript } from "../src/realtime/frames.js";
import { replayFrames } from "../src/realtime/replay-frames.js";
import { meetingScript } from "../src/realtime/script.js";
import { signedUpgradeHeaders } from "../src/realtime/ws-sender.js";
import { simulate } from "../src/simulate/simulate.js";
import { generateSecret } from "../src/webhook/secret.js";
import { Signer } from "../src/webhook/sign.js";
import { startWsReceiver } from "./helpers/ws-receiver.js";

const secret = generateSecret();

/** The status of an upgrade request: 101 when accepted. */
function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once("open", () => { ws.close(); resolve(101); });
    ws.once("unexpected-response", (_req, res) => { res.resume(); resolve(res.statusCode ?? 0); });
    ws.once("error", (error) => { if (!/Unexpected server response/.test(error.message)) reject(error); });
  });
}

describe("listen as a real-time WebSocket endpoint", () => {
  it("verifies the upgrade, journals every frame, emits frame events, and relays byte for byte to ws:// forward targets", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rh-rt-"));
    const journalPath = join(dir, "journal.jsonl");
    const app = await startWsReceiver(secret);
    const events: ListenerEvent[] = [];
    const listener = await startListener({
      port: 0, signer: new Signer(secret), journalPath, onEvent: (e) => events.push(e),
      forward: [{ pattern: null, url: new URL(app.url) }],
    });
    try {
      const wsUrl = `${listener.url.replace("http", "ws")}any/path?token=1`;
      await simulate({ to: listener.url, secret, speed: 0, partials: true, rawAudio: "separate", realtimeTo: [wsUrl] });
      const expected = expandScript(await meetingScript(), { partials: true, rawAudio: "separate" });
      await app.waitForFrames(expected.length);
      await listener.close();
      const frames = events.flatMap((e) => (e.type === "frame" ? [e.frame] : []));
      assert.deepEqual(frames.map((f) => f.parsed.event), expected.map((f) => f.event));
      assert.deepEqual(frames.map((f) => f.seq), expected.map((_, i) => i + 1));
      assert.ok(frames.every((f) => f.path === "/any/path?token=1"));
      const opened = events.find((e) => e.type === "socket" && e.change.state === "open");
      assert.ok(opened?.type === "socket" && opened.change.verified === true && opened.change.scheme === "webhook");
      const closed = events.find((e) => e.type === "socket" && e.change.state === "closed");
      assert.ok(closed?.type === "socket" && closed.change.frames === expected.length && closed.change.code === 1000);
      // The journal has every frame, byte for byte, beside the status deliveries.
      const journal = await readFile(journalPath, "utf8");
      const journaled = readFrames(journal);
      assert.equal(journaled.length, expected.length);
      assert.deepEqual(journaled.map((f) => f.data), frames.map((f) => f.data));
      assert.equal(journal.split("\n").filter((l) => l.includes('"type":"delivery"')).length, 7);
      // The app got the same bytes, over an upgrade signed afresh.
      assert.deepEqual(app.frames.map((f) => f.raw), frames.map((f) => f.data));
      assert.equal(app.upgrades.length, 1);
      assert.ok(app.upgrades[0]!.verified);

      // replay re-streams the journal's frames, byte for byte, on one connection per original one.
      const again = await startWsReceiver(secret);
      try {
        const result = await replayFrames(journaled, { to: new URL(again.url), signer: new Signer(secret), realtime: true, speed: 1000 });
        assert.deepEqual(again.frames.map((f) => f.raw), journaled.map((f) => f.data));
        assert.equal(result.length, 1);
        assert.equal(result[0]!.summary.frames, journaled.length);
        assert.ok(again.upgrades.every((u) => u.verified));
      } finally {
        await again.close();
      }
    } finally {
      await app.close();
    }
  });

  it("--events: only the matching frames are reported; every frame is journaled", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rh-rt-"));
    const journalPath = join(dir, "journal.jsonl");
    const events: ListenerEvent[] = [];
    const listener = await startListener({ port: 0, signer: new Signer(secret), journalPath, events: ["transcript.data"], onEvent: (e) => events.push(e) });
    await simulate({ to: listener.url, secret, speed: 0, realtimeTo: [`${listener.url.replace("http", "ws")}rt`] });
    await listener.close();
    const reported = events.flatMap((e) => (e.type === "frame" ? [e.frame.parsed.event] : []));
    assert.deepEqual(new Set(reported), new Set(["transcript.data"]));
    assert.equal(reported.length, 22);
    assert.equal(readFrames(await readFile(journalPath)).length, expandScript(await meetingScript()).length);
  });

  it("a forged or unsigned upgrade gets 401 and no connection; --skip-verify lets it in", async () => {
    const events: ListenerEvent[] = [];
    const listener = await startListener({ port: 0, signer: new Signer(secret), journalPath: null, onEvent: (e) => events.push(e) });
    const open = await startListener({ port: 0, signer: new Signer(secret), skipVerify: true, journalPath: null });
    try {
      const url = `${listener.url.replace("http", "ws")}realtime`;
      const forged = signedUpgradeHeaders(new Signer(generateSecret()), Date.now());
      assert.equal(await upgradeStatus(url, forged), 401);
      assert.equal(await upgradeStatus(url, {}), 401);
      assert.equal(await upgradeStatus(url, signedUpgradeHeaders(new Signer(secret), Date.now())), 101);
      const rejected = events.filter((e) => e.type === "rejected");
      assert.deepEqual(rejected.map((e) => e.type === "rejected" && [e.status, e.reason]), [[401, "no_matching_signature"], [401, "missing_headers"]]);
      assert.equal(await upgradeStatus(`${open.url.replace("http", "ws")}x`, forged), 101);
    } finally {
      await listener.close();
      await open.close();
    }
  });
});
