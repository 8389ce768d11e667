import assert from "node:assert/strict";
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { createServer } from "node:http";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startEmulator } from "../src/emulate/emulator.js";
import { generateSecret } from "../src/webhook/secret.js";
import { BIN, ROOT, runCli } from "./helpers/cli.js";
import { startWsReceiver } from "./helpers/ws-receiver.js";
import { MEET, recallClient, WebhookApp } from "./helpers/emulate.js";
import { cleanEnv, onLines } from "./helpers/listen.js";

type Rec = Record<string, any> & { type: string };

/** `recall-hooks emulate --json --port 0 ...` as a child, read record by record. */
async function spawnEmulate(args: readonly string[]): Promise<{ child: ChildProcessWithoutNullStreams; records: Rec[]; ready: Rec; waitFor: (p: (r: Rec) => boolean) => Promise<Rec>; exit: Promise<number | null> }> {
  const child = spawn(process.execPath, [BIN, "emulate", "--json", "--port", "0", ...args], { cwd: ROOT, env: cleanEnv() });
  const records: Rec[] = [];
  let waiters: Array<() => void> = [];
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => { stderr += c.toString(); });
  onLines(child.stdout, (line) => {
    if (line.trim() === "") return;
    records.push(JSON.parse(line) as Rec);
    for (const w of waiters.splice(0)) w();
  });
  const exit = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  const waitFor = async (p: (r: Rec) => boolean): Promise<Rec> => {
    for (;;) {
      const found = records.find(p);
      if (found !== undefined) return found;
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  const ready = await Promise.race([waitFor((r) => r.type === "ready"), exit.then((code) => { throw new Error(`emulate exited ${code}: ${stderr}`); })]);
  return { child, records, ready, waitFor, exit };
}

const secret = generateSecret();

describe("emulate (the built binary)", () => {
  let app: WebhookApp;
  let dir: string;
  before(async () => {
    app = await WebhookApp.start(secret);
    dir = await mkdtemp(join(tmpdir(), "emulate-"));
  });
  after(() => app.close());

  it("--json: ready with what to set, then api, bot, delivery and realtime records; --script is streamed; ctl reaches it; --state keeps bots across a restart", async () => {
    const state = join(dir, "state.json");
    const script = join(dir, "meeting.txt");
    await writeFile(script, "[00:00] * Ada joins as host\n[00:01] Ada: hello from my own script\n[00:05] Ada: and goodbye\n");
    const ws = await startWsReceiver(secret);
    const args = ["--speed", "0", "--secret", secret, "--webhook-to", app.url, "--state", state, "--script", script];
    const first = await spawnEmulate(args);
    let bot: { id: string };
    let before: { status_changes: unknown; recordings: Array<{ id: string }> };
    try {
      assert.match(first.ready.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.match(first.ready.api_key, /^[0-9a-f]{40}$/, "a generated key is printed whole");
      assert.notEqual(first.ready.secret, secret, "a given secret is printed masked");
      assert.deepEqual(first.ready.webhook_to, [app.url]);
      const call = recallClient(first.ready.url, first.ready.api_key);
      bot = (await call("POST", "/api/v1/bot/", {
        meeting_url: MEET,
        recording_config: { transcript: { provider: { recallai_streaming: {} } }, realtime_endpoints: [{ type: "websocket", url: ws.url, events: ["transcript.data"] }] },
      })).json;
      await first.waitFor((r) => r.type === "bot" && r.bot_id === bot.id && r.code === "done");
      const tally = await first.waitFor((r) => r.type === "realtime" && r.bot_id === bot.id);
      assert.deepEqual([tally.transport, tally.frames, tally.lost, tally.failed], ["websocket", 2, 0, false]);
      assert.deepEqual(ws.frames.map((f) => f.json.data["data"].words.map((w: { text: string }) => w.text).join(" ")), ["hello from my own script", "and goodbye"]);
      await app.waitFor((h) => h.botId === bot.id && h.event === "bot.done");
      assert.ok(first.records.some((r) => r.type === "api" && r.method === "POST" && r.path === "/api/v1/bot/" && r.status === 201));
      await first.waitFor((r) => r.type === "delivery" && r.event === "bot.done" && r.status === 204 && r.url === app.url);
      const ctl = await runCli(["emulate", "ctl", "bots", "--url", first.ready.url, "--json"]);
      assert.equal(ctl.code, 0, ctl.stderr);
      assert.deepEqual((JSON.parse(ctl.stdout) as Array<{ id: string; status: string }>).map((b) => [b.id, b.status]), [[bot.id, "done"]]);
      before = (await call("GET", `/api/v1/bot/${bot.id}/`)).json;
    } finally {
      first.child.kill("SIGINT");
      await ws.close();
    }
    assert.equal(await first.exit, 130);
    assert.ok(JSON.parse(await readFile(state, "utf8")).bots.length === 1);

    const second = await spawnEmulate([...args, "--api-key", "again"]);
    try {
      const after = await recallClient(second.ready.url, "again")("GET", `/api/v1/bot/${bot.id}/`);
      assert.equal(after.status, 200);
      assert.deepEqual(after.json.status_changes, before.status_changes);
      assert.equal(after.json.recordings[0].id, before.recordings[0]!.id);
    } finally {
      second.child.kill("SIGINT");
      await second.exit;
    }
  });

  it("usage errors say the fix: a bad --fail-create, an unknown scenario, a bad --script", async () => {
    const fail = await runCli(["emulate", "--fail-create", "700:0.5"]);
    assert.equal(fail.code, 2);
    const bad = await runCli(["emulate", "--fail-create", "ten"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--fail-create takes <status>:<rate>, such as 507:0\.2/);
    const scenario = await runCli(["emulate", "--scenario", "nope"]);
    assert.equal(scenario.code, 2);
    assert.match(scenario.stderr, /No scenario "nope"/);
    const script = join(dir, "script.txt");
    await writeFile(script, "[00:01] Ada: hello\n[00:00:xx] Ada: hi\n");
    const wrong = await runCli(["emulate", "--script", script]);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /^error: .*script\.txt: .*line 2/m);
    const state = join(dir, "not-state.json");
    await writeFile(state, JSON.stringify({ hello: 1 }));
    const notState = await runCli(["emulate", "--state", state]);
    assert.equal(notState.code, 2);
    assert.match(notState.stderr, /^error: --state .*not-state\.json is not an emulator state file \(version undefined\): pass another file, or move this one away\.$/m);
    const ctl = await runCli(["emulate", "ctl", "bots", "--url", "http://127.0.0.1:9"]);
    assert.equal(ctl.code, 1);
    assert.match(ctl.stderr, /No emulator answers at http:\/\/127\.0\.0\.1:9/);
  });

  it("an app that hard-codes https://us-east-1.recall.ai runs unmodified under --import recall-hooks/redirect; other hosts are untouched", async () => {
    const emu = await startEmulator({ speed: 0, secret, webhookTo: [app.url], apiKey: "app-key" });
    const other = createServer((req, res) => res.writeHead(200).end(`other ${req.url}`));
    await new Promise<void>((r) => other.listen(0, "127.0.0.1", r));
    const otherUrl = `http://127.0.0.1:${(other.address() as { port: number }).port}/ping`;
    try {
      const appFile = join(dir, "app.mjs");
      await writeFile(appFile, `
const created = await fetch("https://us-east-1.recall.ai/api/v1/bot/", {
  method: "POST", headers: { Authorization: "app-key", "Content-Type": "application/json" },
  body: JSON.stringify({ meeting_url: "https://meet.google.com/abc-defg-hij" }),
});
const bot = await created.json();
const read = await fetch("https://api.recall.ai/api/v1/bot/" + bot.id + "/", { headers: { Authorization: "Token app-key" } });
const other = await fetch(${JSON.stringify(otherUrl)});
console.log(JSON.stringify({ created: created.status, id: bot.id, read: read.status, other: await other.text() }));
`);
      const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [appFile], {
          cwd: ROOT, env: { ...cleanEnv(), NODE_OPTIONS: "--import recall-hooks/redirect", RECALL_HOOKS_EMULATOR: emu.url },
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (c: Buffer) => { stdout += c.toString(); });
        child.stderr.on("data", (c: Buffer) => { stderr += c.toString(); });
        child.on("close", (code) => resolve({ code, stdout, stderr }));
      });
      assert.equal(out.code, 0, out.stderr);
      const result = JSON.parse(out.stdout) as { created: number; id: string; read: number; other: string };
      assert.equal(result.created, 201);
      assert.equal(result.read, 200);
      assert.equal(result.other, "other /ping");
      await app.waitFor((h) => h.botId === result.id && h.event === "bot.done");
      assert.ok(emu.bots.get(result.id) !== undefined);
    } finally {
      other.close();
      await emu.close();
    }
  });
});
