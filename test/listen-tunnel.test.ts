import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { describe, it } from "node:test";
import type { CommandContext } from "../src/commands/context.js";
import type { ListenCommandOptions } from "../src/commands/listen-run.js";
import { runListen } from "../src/commands/listen-run.js";
import { TunnelError, type TunnelEvent, TunnelKeeper, type TunnelProvider } from "../src/listen/tunnel.js";
import { post } from "./helpers/listen.js";

interface Hooks { onLost(error: string): void; onRestored(): void }

function fakeProvider(url: string, failures: Error[] = []): TunnelProvider & { hooks: Hooks | null; opened: number[] } {
  const fake = {
    name: "fake",
    hooks: null as Hooks | null,
    opened: [] as number[],
    async open(port: number, hooks: Hooks) {
      fake.opened.push(port);
      const failure = failures.shift();
      if (failure) throw failure;
      fake.hooks = hooks;
      return url;
    },
    async close() {},
  };
  return fake;
}

function testContext(): { ctx: CommandContext; stdout: PassThrough; stderr: PassThrough; stop: () => void; lines: () => Record<string, unknown>[] } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  stdout.on("data", (c: Buffer) => { out += c.toString(); });
  let stop!: () => void;
  const interrupted = new Promise<void>((resolve) => { stop = resolve; });
  const ctx: CommandContext = {
    stdout, stderr, stdin: new PassThrough(), env: { NO_COLOR: "1" }, cwd: process.cwd(), now: Date.now,
    interruption: () => interrupted, exitCode: 0,
  };
  return { ctx, stdout, stderr, stop, lines: () => out.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const options: ListenCommandOptions = {
  port: 0, host: "127.0.0.1", tolerance: 300, save: false, maxBody: 1024 * 1024, headerTimeout: 5000, bodyTimeout: 10000,
  forwardTimeout: 10000, retryBase: 1000, json: true,
};

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setImmediate(resolve));
}

describe("listen with a tunnel (fake provider)", () => {
  it("prints the public URL, puts it in the ready record, and reports a tunnel lost and restored", async () => {
    const provider = fakeProvider("https://fake-tunnel.example.test");
    const t = testContext();
    let err = "";
    t.stderr.on("data", (c: Buffer) => { err += c.toString(); });
    const running = runListen(options, t.ctx, { tunnel: provider });
    await until(() => t.lines().some((r) => r.type === "ready"));
    const ready = t.lines().find((r) => r.type === "ready")!;
    assert.equal(ready.public_url, "https://fake-tunnel.example.test");
    assert.match(err, /public URL\s+https:\/\/fake-tunnel\.example\.test/);
    assert.match(err, /Recall's dashboard: Webhooks/);
    assert.match(err, /anyone who has it can post/);
    assert.equal(provider.opened[0], Number(new URL(String(ready.local_url)).port));
    assert.equal((await post(String(ready.local_url), {}, "{}")).status, 204);

    provider.hooks!.onLost("session dropped");
    provider.hooks!.onRestored();
    t.stop();
    assert.equal(await running, 130);
    const states = t.lines().filter((r) => r.type === "tunnel").map((r) => r.state);
    assert.deepEqual(states, ["connecting", "connected", "reconnecting", "connected", "closed"]);
    assert.equal(t.lines().at(-1)!.type, "summary");
  });
});

describe("listen for people (a terminal on stdout)", () => {
  it("prints each delivery and the summary on stdout, the chatter on stderr", async () => {
    const t = testContext();
    Object.assign(t.stdout, { isTTY: true });
    let out = "";
    let err = "";
    t.stdout.on("data", (c: Buffer) => { out += c.toString(); });
    t.stderr.on("data", (c: Buffer) => { err += c.toString(); });
    const running = runListen({ ...options, json: false, tunnel: "none" }, t.ctx, {});
    await until(() => /listening on (http:\S+)/.test(err));
    const url = /listening on (http:\S+)/.exec(err)![1]!;
    const body = JSON.stringify({ event: "bot.done", data: { bot: { id: "8ef3d462-0000-4000-8000-000000000000", metadata: {} }, data: { code: "done", sub_code: null, updated_at: new Date().toISOString() } } });
    assert.equal((await post(url, {}, body)).status, 204);
    await until(() => out.includes("bot.done"));
    t.stop();
    assert.equal(await running, 130);
    // The data (deliveries, then the summary) is on stdout, so `listen > run.txt` keeps it all.
    assert.match(out, /-->\s+bot\.done/);
    assert.match(out, /^Summary$/m);
    assert.match(out, /deliveries\s+1/);
    assert.doesNotMatch(err, /Summary|deliveries\s+1/);
    assert.match(err, /Stopping: finishing requests under way/);
  });
});

describe("TunnelKeeper", () => {
  it("retries a failed tunnel with backoff and reports each state", async () => {
    const provider = fakeProvider("https://up.example.test", [new Error("no network"), new Error("still none")]);
    const events: TunnelEvent[] = [];
    const keeper = new TunnelKeeper({ provider, port: 1234, onEvent: (e) => events.push(e), retryBaseMs: 5, retryMaxMs: 20 });
    assert.equal(await keeper.start(), null);
    await until(() => events.some((e) => e.state === "connected"));
    assert.deepEqual(events.map((e) => e.state), ["connecting", "failed", "connecting", "failed", "connecting", "connected"]);
    assert.deepEqual(events.filter((e) => e.state === "failed").map((e) => e.retryInMs), [5, 10]);
    assert.equal(keeper.url, "https://up.example.test");
    await keeper.close();
  });

  it("does not retry an error a retry cannot fix", async () => {
    const provider = fakeProvider("https://never.example.test", [new TunnelError("bad token", false)]);
    const events: TunnelEvent[] = [];
    const keeper = new TunnelKeeper({ provider, port: 1, onEvent: (e) => events.push(e), retryBaseMs: 1 });
    await keeper.start();
    assert.deepEqual(events.map((e) => [e.state, e.retryInMs]), [["connecting", null], ["failed", null]]);
    await keeper.close();
  });
});
