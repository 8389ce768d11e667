import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, it } from "node:test";
import { BIN, ROOT, runCli } from "./helpers/cli.js";
import { directStdio } from "../src/output/stdio.js";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

describe("stdout and stderr of short commands (src/output/stdio.ts)", () => {
  it("writes a file's bytes in order without making a stream, and goes through the stream once one is made", async () => {
    const file = join(await mkdtemp(join(tmpdir(), "rh-stdio-")), "out");
    const fd = openSync(file, "w");
    const stream = new PassThrough();
    let made = 0;
    const out = directStdio(fd, () => { made += 1; return stream as unknown as NodeJS.WriteStream; }, () => assert.fail("not broken"));
    out.write("one ");
    out.write(Buffer.from("twö "));
    assert.equal(out.isTTY, false);
    assert.equal(out.writableLength, 0);
    assert.equal(made, 0, "write and isTTY make no stream");
    let called = false;
    out.write("three\n", () => { called = true; });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(called, true, "a write's callback is called");
    assert.equal(readFileSync(file, "utf8"), "one twö three\n");
    // Anything else needs the stream: from then on every write goes through it, in order.
    out.on("error", () => {});
    assert.equal(made, 1);
    out.write("four\n");
    assert.equal(stream.read()?.toString(), "four\n");
    assert.equal(readFileSync(file, "utf8"), "one twö three\n");
    closeSync(fd);
  });

  it("gives a terminal, or any device that is not a file or pipe, node's stream at once", () => {
    const fd = openSync("/dev/null", "w");
    const stream = new PassThrough();
    let made = 0;
    const out = directStdio(fd, () => { made += 1; return stream as unknown as NodeJS.WriteStream; }, () => {});
    out.write("x");
    assert.equal(made, 1);
    assert.equal(stream.read()?.toString(), "x");
    closeSync(fd);
  });

  it("a reader that closes early (| head) ends the command quietly with its status", async () => {
    for (const args of [["events"], ["--help"], ["sign", "--event", "bot.done", "--secret", SECRET]]) {
      const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
      child.stdout.destroy();
      let stderr = "";
      child.stderr.setEncoding("utf8").on("data", (text: string) => { stderr += text; });
      const code = await new Promise((resolve) => child.on("exit", resolve));
      assert.deepEqual([code, stderr], [0, ""], args.join(" "));
    }
  });

  it("prints the same bytes to a pipe and to a file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rh-stdio-"));
    const body = join(dir, "body.json");
    writeFileSync(body, '{"event": "bot.done", "data": {"note": "zoë"}}');
    const args = ["sign", body, "--secret", SECRET, "--id", "msg_stdio", "--timestamp", "1700000000", "--format", "curl"];
    const piped = await runCli(args);
    assert.equal(piped.code, 0);
    const file = join(dir, "out");
    const fd = openSync(file, "w");
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ["ignore", fd, "pipe"] });
    const code = await new Promise((resolve) => child.on("exit", resolve));
    closeSync(fd);
    assert.equal(code, 0);
    assert.match(piped.stdout, /msg_stdio/);
    assert.equal(readFileSync(file, "utf8"), piped.stdout);
  });
});
