import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import WebSocket from "ws";
import { meetingScript } from "../src/realtime/script.js";
import { signedUpgradeHeaders } from "../src/realtime/ws-sender.js";
import { generateSecret } from "../src/webhook/secret.js";
import { Signer } from "../src/webhook/sign.js";
import { BIN, ROOT, runCli } from "./helpers/cli.js";
import { cleanEnv, ListenProcess, onLines } from "./helpers/listen.js";
import { startWsReceiver } from "./helpers/ws-receiver.js";

const secret = generateSecret();

function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.once("open", () => { ws.close(); resolve(101); });
    ws.once("unexpected-response", (_req, res) => { res.resume(); resolve(res.statusCode ?? 0); });
    ws.once("error", () => {});
  });
}

async function spokenLines(): Promise<string[]> {
  const script = await meetingScript();
  return script.utterances.map((u) => `${script.participants.find((p) => p.id === u.speaker)!.name}: ${u.text}`);
}

describe("real-time from the command line (the built binary)", () => {
  it("simulate lifecycle --realtime shows the meeting's live transcript in the terminal", async () => {
    const { code, stdout, stderr } = await runCli(["simulate", "lifecycle", "--realtime", "--speed", "0"]);
    assert.equal(code, 0, stderr);
    const said = stdout.split("\n").flatMap((l) => { const m = /^\d\d:\d\d:\d\d {2}(\w+: .*) {2}[0-9a-f]{8}$/.exec(l); return m ? [m[1]] : []; });
    assert.deepEqual(said, await spokenLines());
    assert.match(stdout, /WebSocket \/realtime open {2}✓ webhook-\*/);
    assert.match(stdout, /· Alan joined/);
    assert.match(stdout, /· Ada \(chat to everyone\): Waiting room runbook/);
    assert.match(stdout, /real-time\n.*ws:\/\/127\.0\.0\.1:\d+\/realtime \(websocket\) {2}76 frames, 1 connection {2}ok/);
  });

  it("listen as the WebSocket endpoint: a live transcript, every frame journaled, a forged upgrade refused with 401", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rh-rtcli-"));
    const journal = join(dir, "journal.jsonl");
    const relayed = await startWsReceiver(secret);
    const listen = await ListenProcess.start(["--secret", secret, "--save", journal, "--forward-to", relayed.url]);
    try {
      const ws = listen.ready.local_url.replace("http", "ws");
      const run = await runCli(["simulate", "lifecycle", "--to", listen.ready.local_url, "--realtime-to", `${ws}rt`, "--raw-audio", "mixed", "--speed", "0", "--secret", secret]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /\(websocket\) {2}\d+ frames, 1 connection {2}ok/);
      const closed = await listen.waitFor((r) => r.type === "socket" && r.state === "closed");
      const frames = listen.records.filter((r) => r.type === "frame");
      assert.equal(frames.length, closed["frames"]);
      const lines = (await readFile(journal, "utf8")).split("\n").filter((l) => l.includes('"type":"frame"'));
      assert.equal(lines.length, frames.length);
      assert.ok(frames.some((f) => f["event"] === "audio_mixed_raw.data" && f["body"] === undefined));
      // --forward-to ws:// relays every frame to the app, over an upgrade signed afresh.
      assert.equal((await relayed.waitForFrames(frames.length)).length, frames.length);
      assert.ok(relayed.upgrades.length === 1 && relayed.upgrades[0]!.verified);
      assert.equal(await upgradeStatus(`${ws}rt`, signedUpgradeHeaders(new Signer(generateSecret()), Date.now())), 401);
      const rejected = await listen.waitFor((r) => r.type === "event" && r["status"] === 401);
      assert.equal(rejected["reason"], "no_matching_signature");

      // replay --to ws:// re-streams the journal's frames.
      const app = await startWsReceiver(secret);
      try {
        const replay = await runCli(["replay", journal, "--to", app.url, "--secret", secret]);
        assert.equal(replay.code, 0, replay.stderr);
        assert.equal(app.frames.length, frames.length);
        assert.match(replay.stdout, new RegExp(`all ${frames.length} frames sent`));
      } finally {
        await app.close();
      }
    } finally {
      await listen.stop();
      await relayed.close();
    }
  });

  it("listen --pretty prints utterances as `Name: text` and raw media as a counter", async () => {
    const child = spawn(process.execPath, [BIN, "listen", "--pretty", "--port", "0", "--no-save", "--secret", secret], { cwd: ROOT, env: cleanEnv() });
    const out: string[] = [];
    const last = (await spokenLines()).at(-1)!;
    const ready = new Promise<string>((resolve) => {
      let err = "";
      child.stderr.setEncoding("utf8");
      child.stderr.on("data", (c: string) => { err += c; const m = /listening on (http:\/\/\S+)/.exec(err); if (m) resolve(m[1]!); });
    });
    const closed = new Promise<void>((resolve) => onLines(child.stdout, (line) => { out.push(line); if (/<== WebSocket/.test(line)) resolve(); }));
    try {
      const url = await ready;
      const run = await runCli(["simulate", "lifecycle", "--to", url, "--realtime-to", `${url.replace("http", "ws")}ws`, "--raw-audio", "separate", "--speed", "0", "--secret", secret]);
      assert.equal(run.code, 0, run.stderr);
      await closed;
      const text = out.join("\n");
      assert.ok(out.some((l) => l.includes(`  ${last}  `)), text);
      assert.equal(out.filter((l) => /audio_separate_raw\.data/.test(l) && /streaming/.test(l)).length, 3);
      assert.match(text, /closed \(1000\) after \d+ frames: audio_separate_raw\.data \d+/);
    } finally {
      child.kill("SIGINT");
      await new Promise((resolve) => child.on("exit", resolve));
    }
  });

  it("usage errors exit 2 with the fix", async () => {
    const env = { RECALL_WEBHOOK_SECRET: secret };
    const raw = await runCli(["simulate", "lifecycle", "--to", "http://127.0.0.1:9/", "--realtime-to", "http://127.0.0.1:9/rt", "--raw-audio", "mixed"], { env });
    assert.equal(raw.code, 2);
    assert.match(raw.stderr, /Raw media \(--raw-audio, --video\) goes only to WebSocket endpoints/);
    const partials = await runCli(["simulate", "lifecycle", "--partials"], { env });
    assert.equal(partials.code, 2);
    assert.match(partials.stderr, /--partials is for real-time streams: add --realtime-to <url>/);
    const scheme = await runCli(["simulate", "lifecycle", "--realtime-to", "ftp://x"], { env });
    assert.equal(scheme.code, 2);
    assert.match(scheme.stderr, /--realtime-to takes http\(s\):\/\/ .* or ws\(s\):\/\//);
    const dir = await mkdtemp(join(tmpdir(), "rh-script-"));
    await writeFile(join(dir, "bad.txt"), "[00:01] * Ada joins\n[00:00] Ada: too early\n");
    const script = await runCli(["simulate", "lifecycle", "--realtime", "--script", join(dir, "bad.txt")], { env });
    assert.equal(script.code, 2);
    assert.match(script.stderr, /bad\.txt: line 2 \(00:00\): Ada is not in the meeting then/);
  });
});
