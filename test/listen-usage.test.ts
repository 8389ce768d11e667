import assert from "node:assert/strict";
import { mkdtemp, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it } from "node:test";
import { runCli } from "./helpers/cli.js";
import { buildEvent, newMessageId, serializeEvent } from "../src/recall/build.js";
import { ListenProcess, post } from "./helpers/listen.js";

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "rh-listen-usage-"));
}

/** One line on stderr, exit 2, before anything is served. */
async function usage(args: readonly string[]): Promise<string> {
  const { code, stdout, stderr } = await runCli(["listen", ...(args.includes("--port") ? [] : ["--port", "0"]), "--tunnel", "none", ...args]);
  assert.equal(code, 2, stderr);
  assert.equal(stdout, "");
  assert.equal(stderr.trim().split("\n").length, 1, stderr);
  assert.doesNotMatch(stderr, /internal error/);
  return stderr;
}

describe("listen: path options (issue 8 defect 6)", () => {
  it("--save <a folder> is a usage error that names a file in it", async () => {
    const dir = await tempDir();
    assert.match(await usage(["--save", dir]), new RegExp(`--save ${dir} is a folder: give a file in it, for example --save ${join(dir, "journal.jsonl")}, or pass --no-save`));
  });

  it("--save under a regular file used as a folder is a usage error that names the file", async () => {
    const dir = await tempDir();
    const file = join(dir, "notes.txt");
    await writeFile(file, "x");
    assert.match(await usage(["--save", join(file, "sub", "journal.jsonl")]), new RegExp(`${file} is a file, not a folder`));
  });

  // Before the fix, /proc made node's recursive mkdir spin forever: the timeout is what fails then.
  it("--save where nothing may be written (as root too) is a usage error that says so", { timeout: 20_000 }, async () => {
    assert.match(await usage(["--save", "/proc/recall-hooks/journal.jsonl"]), /cannot write to \/proc \(no permission\).*--no-save/);
    assert.match(await usage(["--save", "/sys/journal.jsonl"]), /cannot write to .*\(no permission\)/);
  });

  it("--save in folders that do not exist yet creates them, as the default .recall-hooks/ is", async () => {
    const journal = join(await tempDir(), "a", "b", "journal.jsonl");
    const listen = await ListenProcess.start(["--save", journal]);
    assert.equal(listen.ready.journal, journal);
    assert.equal(await listen.stop(), 130);
    assert.ok((await stat(journal)).isFile());
  });
});

describe("listen: host, self-forward and unrouted deliveries (issue 8 defect 14)", () => {
  it("--host 999.1.1.1 is a usage error, with no warning printed before it", { timeout: 20_000 }, async () => {
    const stderr = await usage(["--no-save", "--host", "999.1.1.1"]);
    assert.match(stderr, /^error: .*999\.1\.1\.1/);
    assert.doesNotMatch(stderr, /warning/i);
  });

  // Before the fix the listener started and forwarded to itself: the timeout is what fails then.
  it("-f pointed at the listener itself (same host and port) is refused", { timeout: 20_000 }, async () => {
    const port = await freePort();
    for (const target of [`http://127.0.0.1:${port}/hooks`, `http://localhost:${port}/`]) {
      assert.match(await usage(["--no-save", "--port", String(port), "-f", target]), /--forward-to .* is this listener itself.*your app/);
    }
  });

  it("says once per event type, not once per delivery, that no --forward-to route matches", async () => {
    const listen = await ListenProcess.start(["--no-save", "-f", "recording.*=http://127.0.0.1:9/hooks"]);
    for (const event of ["bot.done", "bot.done", "bot.joining_call", "bot.done"]) {
      assert.equal((await post(listen.ready.local_url, { "webhook-id": newMessageId() }, serializeEvent(buildEvent(event)))).status, 204);
    }
    await listen.waitForCount((r) => r.type === "event", 4);
    assert.equal(await listen.stop(), 130);
    const unrouted = listen.records.filter((r) => r.type === "unrouted");
    assert.deepEqual(unrouted.map((r) => r.event), ["bot.done", "bot.joining_call"]);
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
