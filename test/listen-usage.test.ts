import assert from "node:assert/strict";
import { mkdtemp, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runCli } from "./helpers/cli.js";
import { ListenProcess } from "./helpers/listen.js";

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "rh-listen-usage-"));
}

/** One line on stderr, exit 2, before anything is served. */
async function usage(args: readonly string[]): Promise<string> {
  const { code, stdout, stderr } = await runCli(["listen", "--port", "0", "--tunnel", "none", ...args]);
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
