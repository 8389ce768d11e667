// Profiles one bench target with `node --cpu-prof` and prints where its time goes.
//   node scripts/bench-profile.mjs listener [--forward] [--inspect] [--seconds 5] [--connections 32]
//                                              (--inspect: with the inspector on and one page attached)
//   node scripts/bench-profile.mjs sign        (start-up of `sign --event bot.done`)
//   node scripts/bench-profile.mjs simulate    (simulate lifecycle to a bare sink)
//   node scripts/bench-profile.mjs replay      (replay of 20,000 journaled deliveries to a bare sink)
//   node scripts/bench-profile.mjs floor       (no profile: undici's dispatch() alone, pre-built signed
//                                               requests, against autocannon on one sink: a sender's floor)
//   node scripts/bench-profile.mjs sender      (no profile: scripts/bench-sender.mjs, the least a sender
//                                               does for the simulate figure, and simulate, each a fresh
//                                               process, against autocannon on one sink, interleaved)
// The .cpuprofile is kept (its path is printed) for Chrome DevTools or speedscope.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { BIN, PAGE, ROOT, load, makePool, startBare, startChild } from "./bench-lib.mjs";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { rounds: { type: "string", default: "5" }, forward: { type: "boolean" }, inspect: { type: "boolean" }, seconds: { type: "string", default: "5" }, connections: { type: "string", default: "32" }, top: { type: "string", default: "30" } },
});
const target = positionals[0] ?? "listener";
const dir = mkdtempSync(join(tmpdir(), "recall-hooks-prof-"));
const prof = ["--cpu-prof", "--cpu-prof-dir", dir];
const { generateSecret } = await import("../dist/webhook/secret.js");
const secret = generateSecret();

if (target === "listener") {
  // `listen` runs in a child with these V8 flags (src/respawn.ts); node started with flags of its own
  // (--cpu-prof) listens in its own process instead, so they are given here, to profile what users run.
  const { RESPAWN_FLAGS } = await import("../dist/respawn.js");
  prof.push(...RESPAWN_FLAGS);
  const pool = await makePool(150_000, secret);
  const sink = values.forward ? await startBare() : null;
  const proc = startChild([...prof, BIN, "listen", "--json", "--port", "0", "--tunnel", "none", "--save", join(dir, "journal.jsonl"), "--secret", secret, ...(sink ? ["--forward-to", sink.url] : []), ...(values.inspect ? ["--inspect", "0"] : [])], { stdoutFile: join(dir, "events.ndjson") });
  const { local_url: url, inspect_url: inspectUrl } = await proc.ready;
  const page = values.inspect ? startChild([PAGE, inspectUrl], { name: "page", ipc: true }) : null;
  await page?.ready;
  const run = await load(url, pool, { connections: Number(values.connections), duration: Number(values.seconds) });
  await page?.stop("SIGTERM");
  await proc.stop("SIGINT");
  await sink?.stop();
  console.log(`${Math.round(run.rate)} req/s, p50 ${run.p50} ms, p99 ${run.p99} ms, non-2xx ${run.non2xx}`);
} else if (target === "sign") {
  // Twice, keeping the second profile: the first run under these flags writes the compiled-code cache
  // (bin/recall-hooks.cjs), and the profile should show a start as users get it.
  const run = () => spawnSync(process.execPath, [...prof, "--cpu-prof-interval", "100", BIN, "sign", "--event", "bot.done", "--secret", secret], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
  run();
  for (const f of readdirSync(dir)) rmSync(join(dir, f));
  run();
} else if (target === "simulate") {
  const sink = await startBare();
  spawnSync(process.execPath, [...prof, BIN, "simulate", "lifecycle", "--to", sink.url, "--bots", "3000", "--speed", "0", "--concurrency", values.connections, "--secret", secret, "--json"], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
  console.log(await sink.stats());
  await sink.stop();
} else if (target === "replay") {
  const journal = join(dir, "replay-input.jsonl");
  const listener = startChild([BIN, "listen", "--json", "--port", "0", "--tunnel", "none", "--save", journal, "--secret", secret], { stdoutFile: join(dir, "events.ndjson") });
  const { local_url: url } = await listener.ready;
  await load(url, await makePool(20_000, secret), { connections: Number(values.connections), amount: 20_000 });
  await listener.stop("SIGINT");
  const sink = await startBare();
  spawnSync(process.execPath, [...prof, BIN, "replay", journal, "--to", sink.url, "--concurrency", values.connections, "--secret", secret, "--json"], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
  console.log(await sink.stats());
  await sink.stop();
} else if (target === "floor") {
  await floor();
  process.exit(0);
} else if (target === "sender") {
  await sender(Number(values.rounds));
  process.exit(0);
} else {
  throw new Error(`unknown target ${target}: listener, sign, simulate, replay, floor or sender`);
}

summarize(join(dir, readdirSync(dir).find((f) => f.endsWith(".cpuprofile"))), Number(values.top));

/** Self and inclusive time per function, as shares of the samples. */
function summarize(file, top) {
  const profile = JSON.parse(readFileSync(file, "utf8"));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (n) => `${n.callFrame.functionName || "(anonymous)"} ${n.callFrame.url.replace(/.*node_modules\//, "~/").replace(`file://${ROOT}`, "")}:${n.callFrame.lineNumber + 1}`;
  const self = new Map();
  const inclusive = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    const leaf = nodes.get(id);
    self.set(label(leaf), (self.get(label(leaf)) ?? 0) + dt);
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const key = label(nodes.get(at));
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + dt);
    }
  });
  const list = (map) => [...map].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(6)}%  ${k}`).join("\n");
  console.log(`profile: ${file} (${(total / 1000).toFixed(0)} ms sampled)\n\nself\n${list(self)}\n\ninclusive\n${list(inclusive)}`);
}

/**
 * What any sender built on undici can reach here: 21,000 pre-built, signed requests (the bench's
 * pool) sent by dispatch() with an empty handler, 32 at a time, against autocannon's rate on the
 * same warm sink, and the CPU per request it took. Three rounds, each in a fresh Agent.
 */
async function floor() {
  const { Agent } = await import("undici");
  const pool = await makePool(21_000, secret);
  const sink = await startBare();
  const { origin } = new URL(sink.url);
  await load(sink.url, pool, { connections: 32, duration: 1 });
  for (let round = 1; round <= 3; round += 1) {
    await sink.stats();
    await load(sink.url, pool, { connections: 32, duration: 3 });
    const generator = await sink.stats();
    const agent = new Agent({ keepAliveTimeout: 4_000, connections: 64 });
    pool.rewind();
    const cpu = process.cpuUsage();
    let left = 21_000;
    const lane = async () => {
      while (left > 0) {
        left -= 1;
        const item = pool.next();
        await new Promise((resolve, reject) => agent.dispatch({ origin, path: "/webhooks/recall", method: "POST", headers: item.headers, body: item.body, headersTimeout: 15_000, bodyTimeout: 15_000 }, {
          onConnect() {}, onHeaders() { return true; }, onData() { return true; }, onComplete: resolve, onError: reject,
        }));
      }
    };
    await Promise.all(Array.from({ length: 32 }, lane));
    const used = process.cpuUsage(cpu);
    const sent = await sink.stats();
    await agent.close();
    console.log(`round ${round}: undici dispatch ${Math.round(sent.rate)} req/s vs autocannon ${Math.round(generator.rate)} req/s = ${(sent.rate / generator.rate).toFixed(2)}, ${((used.user + used.system) / sent.count).toFixed(1)} us CPU per request`);
  }
  await sink.stop();
}

/**
 * simulate against the least a sender does for its figure (scripts/bench-sender.mjs: distinct
 * bodies, signed at send time, dispatch(), a line each), both fresh processes of 21,000 deliveries
 * like the bench's, interleaved with autocannon on one warm sink: the ratio each reaches, per round
 * and the medians, and each one's CPU per delivery (the whole process, start-up included).
 */
async function sender(rounds) {
  const pool = await makePool(30_000, secret);
  const sink = await startBare();
  await load(sink.url, pool, { connections: 32, duration: 1 });
  await sink.stats();
  const runs = {
    "bench-sender.mjs": [join(ROOT, "scripts/bench-sender.mjs"), sink.url, secret],
    simulate: [BIN, "simulate", "lifecycle", "--to", sink.url, "--bots", "3000", "--speed", "0", "--concurrency", "32", "--secret", secret, "--json"],
  };
  const ratios = Object.fromEntries(Object.keys(runs).map((name) => [name, []]));
  for (let round = 1; round <= rounds; round += 1) {
    await load(sink.url, pool, { connections: 32, duration: 3 });
    const generator = await sink.stats();
    const line = [`round ${round}: autocannon ${Math.round(generator.rate)} req/s`];
    for (const [name, args] of Object.entries(runs)) {
      const run = spawnSync("bash", ["-c", '"$@" > /dev/null; code=$?; times >&2; exit $code', "-", process.execPath, ...args], { cwd: ROOT, encoding: "utf8" });
      if (run.status !== 0) throw new Error(`${name} exited ${run.status}: ${run.stderr}`);
      const sent = await sink.stats();
      const [, um, us, sm, ss] = run.stderr.trim().split("\n").pop().match(/(\d+)m([\d.]+)s (\d+)m([\d.]+)s/);
      const cpu = ((Number(um) * 60 + Number(us) + Number(sm) * 60 + Number(ss)) * 1e6) / sent.count;
      ratios[name].push(sent.rate / generator.rate);
      line.push(`${name} ${Math.round(sent.rate)} req/s = ${(sent.rate / generator.rate).toFixed(2)}, ${cpu.toFixed(0)} us CPU per delivery`);
    }
    console.log(line.join("; "));
  }
  await sink.stop();
  const middle = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
  console.log(`medians: ${Object.entries(ratios).map(([name, values]) => `${name} ${middle(values).toFixed(2)}`).join(", ")} of autocannon's rate`);
}
