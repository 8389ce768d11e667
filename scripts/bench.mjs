// `npm run bench`: the figures of design.md §6 and issue 5, measured in one run on this machine, as
// ratios against a baseline measured in the same run. Load only on 127.0.0.1, no network.
// Writes bench-results/latest.json beside the printed table.
// `node scripts/bench.mjs [part...]` runs only the parts named (listener, forward, inspector, latency,
// startup, memory, simulate, replay, check), with the same method; with none it runs them all.
import { spawn, spawnSync } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, PAGE, ROOT, load, makePool, median, percentile, rssMiB, startBare, startChild, timeRun } from "./bench-lib.mjs";

const CONNECTIONS = 32;
const WARMUP_S = 1;
const MEASURE_S = 4;
const ROUNDS = 3;
const STARTUP_RUNS = 15;
const STARTUP_GOAL = 1.3;
const PARTS = ["listener", "forward", "inspector", "latency", "startup", "memory", "simulate", "replay", "check", "emulate"];
const EMULATE_BOTS = 1_000;
const CHECK_RUNS = 5;

const asked = process.argv.slice(2);
for (const part of asked) if (!PARTS.includes(part)) throw new Error(`unknown part ${part}: ${PARTS.join(", ")}`);
const want = (...parts) => asked.length === 0 || parts.some((p) => asked.includes(p));
// `node scripts/bench.mjs inspector`: a quick look at one figure, the listener with the inspector and
// a page attached, in one round beside the bare server and the plain listener; writes no results file.
const INSPECTOR_ONLY = asked.length === 1 && asked[0] === "inspector";

const { generateSecret } = await import("../dist/webhook/secret.js");
const SECRET = generateSecret();
const tmp = mkdtempSync(join(tmpdir(), "recall-hooks-bench-"));
const env = { ...process.env, NO_COLOR: "1" };
delete env.RECALL_WEBHOOK_SECRET;
delete env.NGROK_AUTHTOKEN;
const log = (line) => process.stderr.write(`${line}\n`);
const rows = [];
const results = { date: new Date().toISOString(), machine: machine(), settings: { connections: CONNECTIONS, warmup_s: WARMUP_S, measure_s: MEASURE_S, rounds: ROUNDS, startup_runs: STARTUP_RUNS }, figures: {}, notes: [] };

try {
  log(`recall-hooks bench: ${results.machine.nproc} x ${results.machine.cpu}, Node ${results.machine.node}`);
  const needsPool = want("listener", "forward", "inspector", "latency", "memory", "simulate", "replay");
  if (needsPool) log("signing 200k deliveries...");
  const pool = needsPool ? await makePool(200_000, SECRET) : null;
  if (want("listener", "forward", "inspector")) await throughput(pool);
  if (want("latency")) await latency(pool);
  if (want("startup")) startup();
  if (want("memory")) await memory(pool);
  if (want("simulate", "replay")) await senders(pool);
  if (want("check")) await check();
  if (want("emulate")) await emulate();
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
printTable();
mkdirSync(join(ROOT, "bench-results"), { recursive: true });
writeFileSync(join(ROOT, "bench-results", asked.length === 0 ? "latest.json" : `partial-${asked.join("-")}.json`), `${JSON.stringify({ ...results, table: rows }, null, 2)}\n`);
log(`\nwritten to bench-results/${asked.length === 0 ? "latest.json" : `partial-${asked.join("-")}.json`}`);

/**
 * Listener (verify + journal, then also forwarding, then with the inspector and one page reading its
 * stream) against the bare server, under the same signed load.
 */
async function throughput(pool) {
  const bare = await startBare();
  const sink = await startBare();
  const best = { bare: null, listener: null, forward: null, inspect: null };
  const rounds = INSPECTOR_ONLY ? 1 : ROUNDS;
  try {
    for (let round = 1; round <= rounds; round += 1) {
      const parts = [want("listener", "inspector") && "listener", want("forward") && "listener --forward-to", want("inspector") && "listener --inspect with a page"].filter(Boolean);
      log(`throughput, round ${round}/${rounds}: bare, ${parts.join(", ")}`);
      keepBest(best, "bare", await measured(bare.url, pool));
      // The inspector's figure is a drop from the plain listener's: it needs that one too.
      if (want("listener", "inspector")) keepBest(best, "listener", await withListener(pool, `tp-${round}`, [], (url) => measured(url, pool)));
      if (want("forward")) keepBest(best, "forward", await withListener(pool, `fw-${round}`, ["--forward-to", sink.url], (url) => measured(url, pool)));
      if (want("inspector")) keepBest(best, "inspect", pageSawAll(await withListener(pool, `in-${round}`, ["--inspect", "0"], (url, proc) => withPage(url, proc, pool))));
    }
  } finally {
    await Promise.all([bare.stop(), sink.stop()]);
  }
  results.figures.throughput = best;
  const ratio = best.listener === null ? NaN : best.listener.rate / best.bare.rate;
  if (best.listener !== null) row("listener throughput / bare", fmt(ratio, 2), `${rate(best.listener.rate)} vs ${rate(best.bare.rate)} req/s`, ">= 0.60", ratio >= 0.6, best.listener);
  if (best.forward !== null) {
    const fwd = best.forward.rate / best.bare.rate;
    // Nothing lost: each delivery forwarded, or still owed in the journal when the listener stopped.
    const complete = best.forward.forwarded + best.forward.owed === best.forward.deliveries;
    if (best.forward.forwarded !== best.forward.deliveries) results.notes.push(`forward: ${best.forward.forwarded} of ${best.forward.deliveries} deliveries forwarded ok when the listener stopped, ${best.forward.owed} still owed in its journal`);
    row("  with --forward-to a bare sink", fmt(fwd, 2), `${rate(best.forward.rate)} vs ${rate(best.bare.rate)} req/s, ${best.forward.forwarded} forwarded ok`, ">= 0.40", fwd >= 0.4, { ...best.forward, valid: best.forward.valid && complete });
  }
  if (best.inspect !== null) {
    const inspect = best.inspect.rate / best.bare.rate;
    const drop = 1 - inspect / ratio;
    row("  with --inspect and a page attached", fmt(inspect, 2), `${rate(best.inspect.rate)} req/s, ${fmt(Math.abs(drop) * 100, 1)}% ${drop >= 0 ? "below" : "above"} the plain listener's ratio; the page got ${best.inspect.page.events} records (${best.inspect.page.reconnects} reconnects)`, "drop <= 10%", drop <= 0.1, best.inspect);
  }
  if (best.listener !== null) row("  latency under that load, p50/p99", `${fmt(best.listener.p50, 0)} / ${fmt(best.listener.p99, 0)} ms`, `bare ${fmt(best.bare.p50, 0)} / ${fmt(best.bare.p99, 0)} ms, ${CONNECTIONS} connections`, "(reported)", null);
}

/**
 * The measured load with one page attached to the inspector (scripts/bench-page.mjs, a process of its
 * own that reads the stream as the page's EventSource does), and what the page received: every
 * delivery of the load, warm-up included.
 */
async function withPage(url, proc, pool) {
  const ready = await proc.ready;
  const page = startChild([PAGE, ready.inspect_url], { name: "page", ipc: true });
  try {
    await page.ready;
    const warm = await load(url, pool, { connections: CONNECTIONS, duration: WARMUP_S });
    const run = await load(url, pool, { connections: CONNECTIONS, duration: MEASURE_S });
    const sent = warm.ok + run.ok;
    const received = await new Promise((resolve) => {
      // A page that never catches up makes the figure invalid, not the bench endless.
      const cap = setTimeout(() => resolve(null), 60_000);
      page.child.once("message", (counts) => { clearTimeout(cap); resolve(counts); });
      page.child.send({ until: sent });
    });
    return { ...run, sent, page: received ?? { events: null, doubled: null, reconnects: null } };
  } finally {
    await page.stop("SIGTERM");
  }
}

/**
 * The inspector's figure counts only if its page saw every delivery answered 2xx, each once. (The
 * listener may take a few more, in flight when autocannon stopped: the page is not waited for those.)
 */
function pageSawAll(run) {
  const ok = run.page.events !== null && run.page.events >= run.sent && run.page.events <= run.deliveries && run.page.doubled === 0;
  if (!ok) results.notes.push(`inspector page: ${run.page.events ?? "not all"} delivery records of ${run.deliveries} (${run.sent} answered 2xx), ${run.page.doubled ?? "?"} doubled`);
  return { ...run, valid: run.valid && ok };
}

/** The latency one delivery sees, listener minus bare, with one request at a time (no queueing). */
async function latency(pool) {
  log("added latency: one connection, bare then listener");
  const bare = await startBare();
  let b;
  try {
    await load(bare.url, pool, { connections: 1, duration: WARMUP_S });
    b = await load(bare.url, pool, { connections: 1, duration: MEASURE_S, latencies: true });
  } finally {
    await bare.stop();
  }
  const l = await withListener(pool, "latency", [], async (url) => {
    await load(url, pool, { connections: 1, duration: WARMUP_S });
    return load(url, pool, { connections: 1, duration: MEASURE_S, latencies: true });
  });
  const fig = (run) => ({ p50: percentile(run.times, 50), p99: percentile(run.times, 99), samples: run.times.length, non2xx: run.non2xx });
  const fb = fig(b);
  const fl = fig(l);
  results.figures.latency = { bare: fb, listener: { ...fl, valid: l.valid }, added_p50_ms: fl.p50 - fb.p50, added_p99_ms: fl.p99 - fb.p99 };
  row("added latency p50", `${fmt(fl.p50 - fb.p50, 3)} ms`, `${fmt(fl.p50, 3)} vs ${fmt(fb.p50, 3)} ms`, "(reported)", null, l);
  row("added latency p99", `${fmt(fl.p99 - fb.p99, 3)} ms`, `${fmt(fl.p99, 3)} vs ${fmt(fb.p99, 3)} ms, ${fl.samples} samples`, "< 2 ms", fl.p99 - fb.p99 < 2, l);
}

/**
 * Medians of interleaved runs, after two warm-up runs each (the page cache, not the code, warms up).
 * The timed runs start without NODE_EXTRA_CA_CERTS and NODE_OPTIONS, as most users' shells do: a CA
 * bundle read at every start (about 45 ms on these machines) would add the same to both sides and
 * pull every ratio towards 1.
 */
function startup() {
  log(`start-up: ${STARTUP_RUNS} runs each, without NODE_EXTRA_CA_CERTS and NODE_OPTIONS`);
  const bare = { ...env };
  delete bare.NODE_EXTRA_CA_CERTS;
  delete bare.NODE_OPTIONS;
  const capture = join(tmp, "startup-capture.json");
  const signed = spawnSync(process.execPath, [BIN, "sign", "--event", "bot.done", "--secret", SECRET, "--json"], { cwd: ROOT, env: bare, encoding: "utf8" });
  if (signed.status !== 0) throw new Error(`sign --json exited ${signed.status}: ${signed.stderr}`);
  writeFileSync(capture, signed.stdout);
  const commands = {
    node: { args: ["-e", "0"] },
    version: { args: [BIN, "--version"], label: "--version" },
    sign: { args: [BIN, "sign", "--event", "bot.done", "--secret", SECRET], label: "sign --event bot.done" },
    help: { args: [BIN, "--help"], label: "--help" },
    events: { args: [BIN, "events"], label: "events" },
    verify: { args: [BIN, "verify", capture, "--secret", SECRET], label: "verify <capture>" },
  };
  const times = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (let i = 0; i < STARTUP_RUNS + 2; i += 1) {
    for (const [name, { args }] of Object.entries(commands)) {
      const ms = timeRun(args, bare);
      if (i >= 2) times[name].push(ms);
    }
  }
  const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
  results.figures.startup = { median_ms: m, runs_ms: times, env: "NODE_EXTRA_CA_CERTS and NODE_OPTIONS unset" };
  for (const [name, { label }] of Object.entries(commands)) {
    if (name === "node") continue;
    const ratio = m[name] / m.node;
    row(`start-up ${label} / node -e 0`, `${fmt(ratio, 2)}x`, `${fmt(m[name], 1)} vs ${fmt(m.node, 1)} ms (medians)`, `<= ${STARTUP_GOAL}x`, ratio <= STARTUP_GOAL);
  }
}

/**
 * RSS of a fresh listener after 1k and after 100k deliveries; then after 200k, to tell a leak
 * (still growing) from a heap that grew to its working size once (flat).
 */
async function memory(pool) {
  log("memory: 1k, then 99k, then 100k more deliveries");
  const figure = await withListener(pool, "memory", [], async (url, proc) => {
    const runs = [];
    runs.push(await load(url, pool, { connections: CONNECTIONS, amount: 1_000 }));
    const after1k = rssMiB(proc.child.pid);
    runs.push(await load(url, pool, { connections: CONNECTIONS, amount: 99_000 }));
    const after100k = rssMiB(proc.child.pid);
    runs.push(await load(url, pool, { connections: CONNECTIONS, amount: 100_000 }));
    const after200k = rssMiB(proc.child.pid);
    const sum = (key) => runs.reduce((n, r) => n + r[key], 0);
    return { after1k, after100k, after200k, ok: sum("ok"), non2xx: sum("non2xx"), errors: sum("errors") };
  });
  results.figures.memory = figure;
  const ratio = figure.after100k / figure.after1k;
  row("RSS after 100k / after 1k", fmt(ratio, 2), `${fmt(figure.after100k, 1)} vs ${fmt(figure.after1k, 1)} MiB`, "<= 1.2", ratio <= 1.2, figure);
  const plateau = figure.after200k / figure.after100k;
  row("  RSS after 200k / after 100k", fmt(plateau, 2), `${fmt(figure.after200k, 1)} MiB: flat means no leak`, "(reported)", null);
}

/** simulate and replay sending to a bare sink, against autocannon's own rate on the same sink (rates as the sink saw them). */
async function senders(pool) {
  const help = spawnSync(process.execPath, [BIN, "--help"], { encoding: "utf8", env }).stdout;
  const has = (name) => new RegExp(`\\n  ${name}\\b`).test(help);
  if (!has("simulate") && !has("replay")) {
    results.notes.push("simulate and replay are not in this build: not measured");
    row("simulate / autocannon, same sink", "not run", "no simulate command in this build", ">= 0.70", null);
    return;
  }
  // replay sends 20,000 deliveries a listener journaled, in a journal of their own.
  const journal = join(tmp, "journal-replay-input.jsonl");
  if (want("replay")) {
    log("replay input: 20,000 deliveries through a listener");
    await withListener(pool, "replay-input", [], (url) => load(url, pool, { connections: CONNECTIONS, amount: 20_000 }));
  }
  log("simulate and replay: autocannon, simulate, replay against one bare sink");
  const sink = await startBare();
  try {
    await load(sink.url, pool, { connections: CONNECTIONS, duration: WARMUP_S });
    await sink.stats();
    await load(sink.url, pool, { connections: CONNECTIONS, duration: MEASURE_S });
    const generator = await sink.stats();
    results.figures.senders = { autocannon: generator };
    if (has("simulate") && want("simulate")) {
      const run = await runToSink(sink, ["simulate", "lifecycle", "--to", sink.url, "--bots", "3000", "--speed", "0", "--concurrency", String(CONNECTIONS), "--secret", SECRET, "--json"], "simulate");
      results.figures.senders.simulate = run;
      const ratio = run.rate / generator.rate;
      row("simulate / autocannon, same sink", fmt(ratio, 2), `${rate(run.rate)} vs ${rate(generator.rate)} req/s, ${run.count} deliveries`, ">= 0.70", run.code === 0 ? ratio >= 0.7 : false, run);
    }
    if (has("replay") && want("replay")) {
      const input = join(tmp, "replay-input.jsonl");
      writeFileSync(input, readFileSync(journal, "utf8").split("\n").slice(0, 20_000).join("\n"));
      const run = await runToSink(sink, ["replay", input, "--to", sink.url, "--concurrency", String(CONNECTIONS), "--secret", SECRET, "--json"], "replay");
      results.figures.senders.replay = run;
      const ratio = run.rate / generator.rate;
      row("replay / autocannon, same sink", fmt(ratio, 2), `${rate(run.rate)} vs ${rate(generator.rate)} req/s, ${run.count} deliveries`, ">= 0.70", run.code === 0 ? ratio >= 0.7 : false, run);
    }
  } finally {
    await sink.stop();
  }
}

/**
 * `check --to` a bare handler (it answers 204 to everything, so the reject checks fail: exit 1):
 * the whole series, wall clock from start to exit, median of CHECK_RUNS after one warm-up run.
 */
/**
 * `emulate --speed 0`: 1,000 bots created through its API at once (32 requests in flight, as an app
 * would), every webhook of every lifecycle delivered to a bare sink, signed, and printed (--json,
 * to a file). Reported as deliveries per second between the sink's first and last request, beside
 * simulate's rate to the same kind of sink when this run measured it.
 */
async function emulate() {
  log(`emulate: ${EMULATE_BOTS} bots at --speed 0, every webhook to a bare sink`);
  const sink = await startBare();
  const proc = startChild([BIN, "emulate", "--port", "0", "--speed", "0", "--webhook-to", sink.url, "--secret", SECRET, "--json"], { name: "emulate", stdoutFile: join(tmp, "emulate.ndjson") });
  try {
    const { url, api_key: key } = await proc.ready;
    const create = async () => {
      const res = await fetch(`${url}/api/v1/bot/`, { method: "POST", headers: { authorization: `Token ${key}`, "content-type": "application/json" }, body: JSON.stringify({ meeting_url: "https://zoom.us/j/1234567890" }) });
      if (res.status !== 201) throw new Error(`emulate answered ${res.status} to a create: ${await res.text()}`);
      await res.arrayBuffer();
    };
    const doneCount = async () => (await (await fetch(`${url}/api/v1/bot/?status=done&page_size=1`, { headers: { authorization: `Token ${key}` } })).json()).count;
    const until = async (check) => { while (!(await check())) await new Promise((r) => setTimeout(r, 20)); };
    // Warm-up, and how many webhooks a lifecycle sends: ten bots to done, then the sink goes quiet.
    await Promise.all(Array.from({ length: 10 }, create));
    await until(async () => (await doneCount()) === 10);
    let warm = 0;
    await until(async () => { const { count } = await sink.stats(); warm += count; return count === 0; });
    const perBot = warm / 10;
    const started = performance.now();
    for (let made = 0; made < EMULATE_BOTS; made += CONNECTIONS) await Promise.all(Array.from({ length: Math.min(CONNECTIONS, EMULATE_BOTS - made) }, create));
    await until(async () => (await doneCount()) === 10 + EMULATE_BOTS);
    let run = { count: 0, first: Infinity, last: 0 };
    const expected = perBot * EMULATE_BOTS;
    await until(async () => {
      const s = await sink.stats();
      if (s.count > 0) run = { count: run.count + s.count, first: Math.min(run.first, s.first), last: Math.max(run.last, s.last) };
      return run.count >= expected;
    });
    const figure = { bots: EMULATE_BOTS, per_bot: perBot, deliveries: run.count, rate: ((run.count - 1) * 1000) / (run.last - run.first), wall_ms: performance.now() - started, ok: run.count === expected };
    results.figures.emulate = figure;
    const simulated = results.figures.senders?.simulate?.rate;
    const versus = simulated ? `, ${fmt(figure.rate / simulated, 2)} of simulate's ${rate(simulated)}` : "";
    row("emulate, 1,000 bots at --speed 0", `${rate(figure.rate)}/s`, `${figure.deliveries} webhooks (${perBot} a bot) in ${fmt(figure.wall_ms / 1000, 1)} s${versus}`, "(reported)", figure.ok ? null : false, figure);
  } finally {
    await proc.stop("SIGINT");
    await sink.stop();
  }
}

async function check() {
  const help = spawnSync(process.execPath, [BIN, "--help"], { encoding: "utf8", env }).stdout;
  if (!/\n  check\b/.test(help)) {
    row("check full series, bare handler", "not run", "no check command in this build", "< 2 s", null);
    return;
  }
  log(`check: the full series against a bare handler, ${CHECK_RUNS} runs`);
  const sink = await startBare();
  const times = [];
  let requests = 0;
  try {
    for (let i = 0; i <= CHECK_RUNS; i += 1) {
      const start = process.hrtime.bigint();
      const result = spawnSync(process.execPath, [BIN, "check", "--to", sink.url, "--secret", SECRET, "--json"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env, encoding: "utf8" });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const report = JSON.parse(result.stdout);
      if (result.status !== 1 || report.skipped !== 0) throw new Error(`check exited ${result.status}, ${report.skipped} skipped: ${result.stderr}`);
      requests = (await sink.stats()).count;
      if (i > 0) times.push(ms);
    }
  } finally {
    await sink.stop();
  }
  const m = median(times);
  results.figures.check = { median_ms: m, runs_ms: times, requests };
  row("check full series, bare handler", `${fmt(m / 1000, 2)} s`, `${requests} requests, ${fmt(m, 0)} ms wall to exit (median of ${CHECK_RUNS})`, "< 2 s", m < 2000);
}

/** Runs a sending command to completion (its stdout to a file, so reading it costs nothing here). */
async function runToSink(sink, args, name) {
  const out = openSync(join(tmp, `${name}.out`), "w");
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env, stdio: ["ignore", out, "pipe"] });
  let stderr = "";
  child.stderr.on("data", (c) => { stderr += c; });
  const code = await new Promise((resolve) => child.on("exit", (c) => resolve(c)));
  closeSync(out);
  const stats = await sink.stats();
  if (code !== 0) results.notes.push(`${name} exited ${code}: ${stderr.slice(0, 500)}`);
  return { ...stats, code, valid: code === 0 };
}

/** Starts a listener, runs fn against it, stops it (Ctrl-C) and checks every 2xx was a verified, journaled delivery. */
async function withListener(pool, label, extra, fn) {
  const journal = join(tmp, `journal-${label}.jsonl`);
  const proc = startChild([BIN, "listen", "--json", "--port", "0", "--tunnel", "none", "--save", journal, "--secret", SECRET, "--retry-base", "50", ...extra], { name: "listener", stdoutFile: join(tmp, `events-${label}.ndjson`) });
  pool.rewind();
  let figure;
  try {
    const ready = await proc.ready;
    figure = await fn(ready.local_url, proc);
  } finally {
    const exit = await proc.stop("SIGINT");
    if (exit.code !== 130) throw new Error(`listener exited ${exit.code ?? exit.signal}, not 130:\n${proc.stderr}`);
  }
  const summary = proc.last;
  const journaled = countDeliveries(journal);
  const valid = summary?.type === "summary" && summary.rejected === 0 && summary.deliveries === proc.counts.verified && journaled === summary.deliveries && summary.duplicates === 0;
  if (!valid) results.notes.push(`listener ${label}: summary ${JSON.stringify(summary)}, ${proc.counts.verified} verified events, ${journaled} journaled`);
  return { ...figure, deliveries: summary?.deliveries, journaled, forwarded: proc.counts.forwardsOk, owed: summary?.forwards_owed ?? 0, valid };
}

async function measured(url, pool) {
  await load(url, pool, { connections: CONNECTIONS, duration: WARMUP_S });
  return load(url, pool, { connections: CONNECTIONS, duration: MEASURE_S });
}

function keepBest(best, key, run) {
  if (run.non2xx > 0 || run.errors > 0) results.notes.push(`${key}: ${run.non2xx} non-2xx answers, ${run.errors} errors`);
  if (best[key] === null || run.rate > best[key].rate) best[key] = run;
}

function countDeliveries(path) {
  let text;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return 0;
  }
  let n = 0;
  for (let at = text.indexOf('{"type":"delivery"'); at !== -1; at = text.indexOf('\n{"type":"delivery"', at + 1)) n += 1;
  return n;
}

function row(figure, measured, detail, goal, pass, run) {
  const invalid = run !== undefined && (run.valid === false || run.non2xx > 0 || run.errors > 0);
  rows.push({ figure, measured, detail, goal, verdict: invalid ? "INVALID" : pass === null ? "" : pass ? "PASS" : "MISS" });
}

function printTable() {
  const widths = [44, 12, 11, 8];
  const line = (r) => `${r.figure.padEnd(widths[0])} ${r.measured.padStart(widths[1])}  ${r.goal.padEnd(widths[2])}  ${r.verdict.padEnd(widths[3])} ${r.detail}`;
  const out = [
    "",
    `recall-hooks bench, ${results.date}: ${results.machine.nproc} x ${results.machine.cpu}, Node ${results.machine.node}`,
    line({ figure: "figure", measured: "measured", goal: "goal", verdict: "", detail: "detail" }),
    "-".repeat(100),
    ...rows.map(line),
  ];
  const goals = rows.filter((r) => r.verdict === "PASS" || r.verdict === "MISS" || r.verdict === "INVALID");
  out.push("", `${goals.filter((r) => r.verdict === "PASS").length} of ${goals.length} goals met.`);
  for (const note of results.notes) out.push(`note: ${note}`);
  process.stdout.write(`${out.join("\n")}\n`);
}

function machine() {
  const model = /model name\s*:\s*(.+)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? cpus()[0]?.model ?? "unknown";
  const nproc = Number(spawnSync("nproc", { encoding: "utf8" }).stdout.trim()) || cpus().length;
  return { nproc, cpu: model.trim(), node: process.version, platform: `${process.platform} ${process.arch}` };
}

function fmt(n, digits) {
  return Number.isFinite(n) ? n.toFixed(digits) : "n/a";
}

function rate(n) {
  return Math.round(n).toLocaleString("en-US");
}
