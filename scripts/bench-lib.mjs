// Helpers for scripts/bench.mjs: child processes, the load generator, the delivery pool, statistics.
import { spawn, spawnSync } from "node:child_process";
import { closeSync, openSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

export const ROOT = fileURLToPath(new URL("../", import.meta.url));
export const BIN = fileURLToPath(new URL("../bin/recall-hooks.cjs", import.meta.url));
export const BARE = fileURLToPath(new URL("./bench-bare.mjs", import.meta.url));
export const PAGE = fileURLToPath(new URL("./bench-page.mjs", import.meta.url));

/** Counts a listener's NDJSON records by their opening bytes (no JSON parsing); other lines are parsed. */
function countLines(lines, counts, onOther) {
  for (const line of lines) {
    if (line === "") continue;
    if (line.startsWith('{"type":"event","seq"')) {
      counts.events += 1;
      if (line.includes('"verified":true')) counts.verified += 1;
    } else if (line.startsWith('{"type":"event"')) counts.rejected += 1;
    else if (line.startsWith('{"type":"forward"')) {
      if (line.includes('"ok":true')) counts.forwardsOk += 1;
      else counts.forwardsFailed += 1;
    } else onOther(JSON.parse(line));
  }
}

/**
 * A child node process whose first stdout line is a JSON record ({"port"} for the bare server,
 * {"type":"ready"} for the listener). With `stdoutFile`, stdout goes to that file, as in
 * `recall-hooks listen --json > events.ndjson`: reading it here would take CPU from the load
 * generator in this process, and a reader that falls behind blocks the writer. The file is read
 * for the ready record (polled) and counted once the child has exited.
 */
export function startChild(args, { name = args[0], ipc = false, stdoutFile = null } = {}) {
  const out = stdoutFile === null ? "pipe" : openSync(stdoutFile, "w");
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", out, "pipe", ...(ipc ? ["ipc"] : [])] });
  if (typeof out === "number") closeSync(out);
  const counts = { events: 0, verified: 0, rejected: 0, forwardsOk: 0, forwardsFailed: 0 };
  let last = null;
  let stderr = "";
  let resolveFirst;
  let rejectFirst;
  const first = new Promise((resolve, reject) => { resolveFirst = resolve; rejectFirst = reject; });
  const onOther = (record) => { last = record; resolveFirst(record); };
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (text) => { if (stderr.length < 20_000) stderr += text; });
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  if (stdoutFile === null) {
    let rest = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (text) => {
      const lines = (rest + text).split("\n");
      rest = lines.pop();
      countLines(lines, counts, onOther);
    });
  } else {
    const poll = () => {
      const text = readFileSync(stdoutFile, "utf8");
      const end = text.indexOf("\n");
      if (end >= 0) onOther(JSON.parse(text.slice(0, end)));
      else if (child.exitCode === null && child.signalCode === null) setTimeout(poll, 5);
    };
    poll();
  }
  void exited.then(({ code, signal }) => rejectFirst(new Error(`${name} exited (${code ?? signal}) before it was ready:\n${stderr}`)));
  return {
    child,
    counts,
    ready: first,
    get last() { return last; },
    get stderr() { return stderr; },
    /** SIGINT (the listener's Ctrl-C: summary, exit 130) or SIGTERM; resolves with the exit. */
    async stop(signal = "SIGINT") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const exit = await exited;
      if (stdoutFile !== null) {
        const lines = readFileSync(stdoutFile, "utf8").split("\n");
        countLines(lines.slice(1), counts, (record) => { last = record; });
      }
      return exit;
    },
  };
}

export async function startBare() {
  const proc = startChild([BARE], { name: "bare server", ipc: true });
  const { port } = await proc.ready;
  return {
    ...proc,
    url: `http://127.0.0.1:${port}/`,
    stop: () => proc.stop("SIGTERM"),
    /** Requests since the last call, and their rate between the first and the last one. */
    stats: () => new Promise((resolve) => {
      proc.child.once("message", ({ count, first, last }) => resolve({ count, first, last, rate: count > 1 ? ((count - 1) * 1000) / (last - first) : NaN }));
      proc.child.send("stats");
    }),
  };
}

/**
 * RSS of a process and all its descendants, from /proc, in MiB: `listen` runs in a child process
 * (src/respawn.ts), and memory kept anywhere in the tree counts.
 */
export function rssMiB(pid) {
  let total = 0;
  for (const p of processTree(pid)) {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, "utf8"));
    if (match) total += Number(match[1]) / 1024;
  }
  return total;
}

function processTree(pid) {
  const children = readdirSync(`/proc/${pid}/task`).flatMap((tid) => readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").trim().split(/\s+/).filter(Boolean));
  return [pid, ...children.flatMap((child) => processTree(Number(child)))];
}

/**
 * Realistic signed deliveries (the project's own payload builder and signer), each with its own
 * message id, drawn in turn by every autocannon connection.
 */
export async function makePool(size, secret) {
  const { buildEvent, serializeEvent } = await import("../dist/recall/build.js");
  const { Signer } = await import("../dist/webhook/sign.js");
  const signer = new Signer(secret);
  const events = ["bot.joining_call", "bot.in_waiting_room", "bot.in_call_not_recording", "bot.in_call_recording", "bot.call_ended", "bot.done", "recording.done", "transcript.done"];
  const bots = Array.from({ length: 2_000 }, (_, i) => `7c0a${String(i).padStart(4, "0")}-5b1e-4d0f-9a41-3f6c2b8e${String(i).padStart(4, "0")}`);
  const items = new Array(size);
  let signedAt = 0;
  const sign = () => {
    const timestamp = Math.floor(Date.now() / 1000);
    const start = Date.now() - size;
    for (let i = 0; i < size; i += 1) {
      const body = serializeEvent(buildEvent(events[i % events.length], { botId: bots[i % bots.length], updatedAt: new Date(start + i) }));
      const id = `msg_bench${timestamp.toString(36)}${String(i).padStart(7, "0")}`;
      items[i] = { body, headers: { "content-type": "application/json", "user-agent": "Svix-Webhooks/1.0", ...signer.sign(id, timestamp, body).headers } };
    }
    signedAt = Date.now();
  };
  sign();
  let cursor = 0;
  return {
    size,
    /** Starts again at the first id (a fresh listener sees no duplicates). Re-signs before the 300 s tolerance runs out. */
    rewind() {
      cursor = 0;
      if (Date.now() - signedAt > 200_000) sign();
    },
    next() {
      const item = items[cursor];
      cursor = (cursor + 1) % size;
      return item;
    },
  };
}

/**
 * One autocannon run of signed POSTs. Returns the 2xx rate (per second of the run), the
 * failures, and, when asked, every response time (ms, sub-millisecond precision).
 */
export function load(url, pool, { connections = 32, duration, amount, latencies = false } = {}) {
  return new Promise((resolve, reject) => {
    const times = [];
    const setupRequest = (request) => {
      const item = pool.next();
      request.method = "POST";
      request.path = "/webhooks/recall";
      Object.assign(request.headers, item.headers);
      request.body = item.body;
      return request;
    };
    const instance = autocannon({
      url, connections, pipelining: 1, timeout: 10,
      ...(duration !== undefined && { duration }), ...(amount !== undefined && { amount }),
      requests: [{ setupRequest }],
    }, (error, result) => {
      if (error) return reject(error);
      const ok = result["2xx"];
      resolve({
        rate: ok / result.duration, ok, duration: result.duration, non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts,
        p50: result.latency.p50, p99: result.latency.p99, ...(latencies && { times }),
      });
    });
    if (latencies) instance.on("response", (_client, _status, _bytes, ms) => times.push(ms));
  });
}

/** Wall-clock milliseconds of one run of a command, to exit. */
export function timeRun(args, env) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  return ms;
}

export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export const median = (values) => percentile(values, 50);

/** CPU time (user + system) a process has used, in milliseconds, from /proc. */
export function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /, "").split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}
