import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { RESPAWN_FLAGS, wantsRespawn } from "../src/respawn.js";
import { ListenProcess, post } from "./helpers/listen.js";

/** The command line of a process, from /proc. */
async function commandLine(pid: number): Promise<string[]> {
  return (await readFile(`/proc/${pid}/cmdline`, "utf8")).split("\0").filter(Boolean);
}

async function gone(pid: number): Promise<void> {
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("listen runs in a child node with memory flags (src/respawn.ts)", () => {
  it("listens in a child started with --optimize-for-size, which Ctrl-C to the command stops with its summary", async () => {
    const listen = await ListenProcess.start(["--no-save"]);
    assert.notEqual(listen.ready.pid, listen.child.pid);
    assert.deepEqual((await commandLine(listen.ready.pid)).slice(1, 1 + RESPAWN_FLAGS.length), [...RESPAWN_FLAGS]);
    assert.equal((await post(listen.ready.local_url, {}, "{}")).status, 204);
    assert.equal(await listen.stop("SIGINT"), 130);
    // One Ctrl-C reached the child once: a graceful stop, with its summary, not "quit at once".
    assert.equal(listen.records.at(-1)!.type, "summary");
    assert.equal(listen.records.at(-1)!.deliveries, 1);
    await gone(listen.ready.pid);
  });

  it("SIGTERM to the command is 143, as from the listener itself", async () => {
    const listen = await ListenProcess.start(["--no-save"]);
    assert.equal(await listen.stop("SIGTERM"), 143);
    assert.equal(listen.records.at(-1)!.type, "summary");
  });

  it("a command killed outright does not leave its listener behind: it stops and flushes", async () => {
    const listen = await ListenProcess.start(["--no-save"]);
    listen.child.kill("SIGKILL");
    await listen.exited;
    await gone(listen.ready.pid);
  });

  it("runs in this process when it is the child, or when node was started with flags of the user's own", () => {
    assert.equal(wantsRespawn([], {}), true);
    assert.equal(wantsRespawn([], { RECALL_HOOKS_RESPAWNED: "1" }), false);
    assert.equal(wantsRespawn(["--inspect"], {}), false);
  });
});
