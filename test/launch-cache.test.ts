import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { mkdtemp, readdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { generateSecret } from "../src/webhook/secret.js";
import { runCli } from "./helpers/cli.js";

const secret = generateSecret();
// Node 22.1+ has its own module compile cache (dist/launch.cjs uses it); Node 20 gets ours.
const nodeCache = typeof (createRequire(import.meta.url)("node:module") as { enableCompileCache?: unknown }).enableCompileCache === "function";

/** The cache files under a fresh TMPDIR, whichever cache this Node uses. */
async function cacheFiles(tmp: string): Promise<string[]> {
  const entries = await readdir(tmp, { recursive: true });
  return entries.filter((name) => (nodeCache ? name.startsWith("node-compile-cache") : name.endsWith(".v8cache")));
}

describe("the bin's launcher: compiled-code cache and source maps (dist/launch.cjs)", () => {
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
});
