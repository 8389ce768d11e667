import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type ListenerEvent, startListener } from "../src/listen/listener.js";
import { buildEvent, newMessageId, serializeEvent } from "../src/recall/build.js";
import { ListenProcess, post, Target } from "./helpers/listen.js";

function collector() {
  const events: ListenerEvent[] = [];
  const waiters: (() => void)[] = [];
  return {
    events,
    onEvent: (e: ListenerEvent) => { events.push(e); for (const w of waiters.splice(0)) w(); },
    async until(check: (events: ListenerEvent[]) => boolean): Promise<void> {
      while (!check(events)) await new Promise<void>((resolve) => waiters.push(resolve));
    },
  };
}


describe("listen: library errors do not reach the user (issue 8 defect 9)", () => {
  it("a journal that cannot be written is explained in our words, not node's", async () => {
    const seen = collector();
    const listener = await startListener({ journalPath: "/dev/full", onEvent: seen.onEvent });
    assert.equal((await post(listener.url, { "webhook-id": newMessageId() }, "{}")).status, 503);
    await seen.until((events) => events.some((e) => e.type === "rejected"));
    await listener.close();
    const rejected = seen.events.find((e) => e.type === "rejected");
    assert.ok(rejected?.type === "rejected");
    assert.match(rejected.message, /Could not write the journal \/dev\/full \(the disk is full\)/);
    assert.doesNotMatch(rejected.message, /ENOSPC|no space left on device/);
  });

  it("Ctrl-C during a forward says the forward was cut off by the stop, in our words", { timeout: 30_000 }, async () => {
    const target = await new Target().listen();
    target.respond = () => "hang";
    const listen = await ListenProcess.start(["--no-save", "-f", target.url]);
    try {
      await post(listen.ready.local_url, { "webhook-id": newMessageId() }, serializeEvent(buildEvent("bot.done")));
      await target.waitForRequests(1);
      assert.equal(await listen.stop(), 130);
    } finally {
      listen.child.kill("SIGKILL");
      await target.close();
    }
    const forward = listen.records.find((r) => r.type === "forward");
    assert.ok(forward, JSON.stringify(listen.records));
    assert.doesNotMatch(String(forward.error), /client is destroyed|UND_ERR/i);
    assert.match(String(forward.error), /listen stopped before the target answered/);
    assert.doesNotMatch(listen.stderr, /client is destroyed|UND_ERR/i);
  });
});
