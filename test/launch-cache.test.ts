import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { generateSecret } from "../src/webhook/secret.js";
import { ROOT, runCli } from "./helpers/cli.js";

const secret = generateSecret();
// Node 22.1+ has its own module compile cache (bin/recall-hooks.cjs uses it); Node 20 gets ours.
const nodeCache = typeof (createRequire(import.meta.url)("node:module") as { enableCompileCache?: unknown }).enableCompileCache === "function";

/** The cache files under a fresh TMPDIR, whichever cache this Node uses. */
async function cacheFiles(tmp: string): Promise<string[]> {
  const entries = await readdir(tmp, { recursive: true });
  return entries.filter((name) => (nodeCache ? name.startsWith("node-compile-cache") : name.endsWith(".v8cache")));
}

describe("the bin's launcher: compiled-code cache and source maps (bin/recall-hooks.cjs)", () => {
  let server: Server;
  let url: string;
  before(async () => {
    server = createServer((req, res) => req.resume().on("end", () => res.writeHead(204).end()));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hooks`;
  });
  after(() => server.close());

  it("writes the cache on the first run, and runs from it, packages imported late included", async () => {
    const tmp = await mkdtemp(join(tmpdir(), "rh-launch-"));
    const env = { TMPDIR: tmp };
    const first = await runCli(["sign", "--event", "bot.done", "--secret", secret, "--id", "msg_launch", "--timestamp", "1731705121"], { env });
    assert.equal(first.code, 0, first.stderr);
    assert.ok((await cacheFiles(tmp)).length > 0, "a cache was written");
    const second = await runCli(["sign", "--event", "bot.done", "--secret", secret, "--id", "msg_launch", "--timestamp", "1731705121", "--format", "json"], { env });
    assert.equal(second.code, 0, second.stderr);
    assert.equal((JSON.parse(second.stdout) as { id: string }).id, "msg_launch");
    assert.equal(second.stderr, "");
    // --send imports undici only when it runs: code compiled from a V8 cache cannot import() by itself.
    const sent = await runCli(["sign", "--event", "bot.done", "--secret", secret, "--send", url], { env });
    assert.equal(sent.code, 0, sent.stderr);
    assert.match(sent.stdout, /204/);
    assert.equal(sent.stderr, "");
  });

  it("writes no cache with NODE_DISABLE_COMPILE_CACHE, and works the same", async () => {
    const tmp = await mkdtemp(join(tmpdir(), "rh-launch-"));
    const run = await runCli(["events", "bot.fatal"], { env: { TMPDIR: tmp, NODE_DISABLE_COMPILE_CACHE: "1" } });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /meeting_not_found/);
    assert.deepEqual(await cacheFiles(tmp), []);
  });

  it("--debug stacks name the TypeScript source, through the bundle's source map", async () => {
    const { code, stderr } = await runCli(["sign", "--event", "bot.nope", "--secret", secret, "--debug"]);
    assert.equal(code, 2);
    assert.match(stderr, /at readBody \(.*src\/commands\/sign-run\.ts:\d+:\d+\)/);
  });

  it("the short commands run dist/bundle/short.cjs, without node:crypto; the long ones the whole program", async () => {
    const tmp = await mkdtemp(join(tmpdir(), "rh-launch-"));
    // Which built-in modules a run loaded, written when it exits.
    const probe = join(tmp, "probe.cjs");
    await writeFile(probe, `process.on("exit", () => require("node:fs").writeFileSync(process.env.PROBE_OUT, process.moduleLoadList.join("\\n")));`);
    const loaded = async (args: string[], name: string): Promise<string[]> => {
      const out = join(tmp, `${name}.txt`);
      const run = await runCli(args, { env: { TMPDIR: tmp, NODE_OPTIONS: `--require ${probe}`, PROBE_OUT: out } });
      assert.equal(run.code, 0, run.stderr);
      return (await readFile(out, "utf8")).split("\n");
    };
    for (const [name, args] of [["sign", ["sign", "--event", "bot.done", "--secret", secret]], ["secret", ["secret"]], ["events", ["events", "bot.fatal"]]] as const) {
      assert.ok(!(await loaded([...args], name)).includes("NativeModule crypto"), `${name} loaded node:crypto`);
    }
    assert.ok((await loaded(["simulate", "lifecycle", "--speed", "0"], "simulate")).includes("NativeModule crypto"));
    if (!nodeCache) {
      const names = await cacheFiles(tmp);
      assert.ok(names.some((n) => /-short-\d+-\d+-sign\.v8cache$/.test(n)), names.join(", "));
      assert.ok(names.some((n) => /-cli-\d+-\d+-simulate\.v8cache$/.test(n)), names.join(", "));
    }
  });

  it("the launcher and the program name the same long-running commands", async () => {
    const list = (source: string, name: string): string[] => JSON.parse(new RegExp(`const ${name} = (\\[[^\\]]*\\]);`).exec(source)![1]!) as string[];
    const launcher = list(await readFile(join(ROOT, "bin", "recall-hooks.cjs"), "utf8"), "LONG_COMMANDS");
    const program = list(await readFile(join(ROOT, "src", "cli.ts"), "utf8"), "LONG");
    assert.deepEqual(launcher, program);
    assert.ok(launcher.length >= 6);
  });

  it("the short bundle refuses a long-running command it was not built with, saying why", async () => {
    const { spawnSync } = await import("node:child_process");
    const run = spawnSync(process.execPath, [join(ROOT, "dist", "bundle", "short.cjs"), "simulate", "lifecycle", "--speed", "0"], { encoding: "utf8" });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /simulate-run\.js is not in dist\/bundle\/short\.cjs/);
  });
});
