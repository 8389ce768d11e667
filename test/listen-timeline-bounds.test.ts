import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Timeline } from "../src/listen/timeline.js";

// The bounds forget the oldest entries first, and keep doing so after many evictions (the oldest
// entry is found with an iterator kept across calls, not a fresh one each time).
describe("Timeline bounds", () => {
  it("remembers exactly the last maxIds message ids, through many evictions", () => {
    const timeline = new Timeline({ maxIds: 1_000 });
    for (let i = 0; i < 50_000; i += 1) assert.equal(timeline.markSeen(`msg_${i}`), false);
    for (let i = 49_000; i < 50_000; i += 1) assert.equal(timeline.markSeen(`msg_${i}`), true, `msg_${i} is recent`);
    assert.equal(timeline.markSeen("msg_48999"), false, "msg_48999 was forgotten");
  });

  it("forgets an id on request; seen again, it counts as new and is kept as the newest", () => {
    const timeline = new Timeline({ maxIds: 3 });
    for (const id of ["a", "b", "c"]) timeline.markSeen(id);
    timeline.forget("a");
    assert.equal(timeline.markSeen("a"), false);
    timeline.markSeen("d");
    assert.equal(timeline.markSeen("b"), false, "b, the oldest, made room for d");
    assert.equal(timeline.markSeen("a"), true, "a, added after c, is still remembered");
  });

  it("keeps the bots heard from most recently, past many evictions", () => {
    const timeline = new Timeline({ maxBots: 100 });
    const point = (i: number) => ({ code: "joining_call", updatedAt: new Date(1_700_000_000_000 + i).toISOString() });
    for (let i = 0; i < 10_000; i += 1) {
      timeline.observe(`bot_${i}`, point(i));
      // bot_keep is heard from again and again, so it is never the oldest.
      timeline.observe("bot_keep", point(i));
    }
    assert.ok(timeline.sequenceOf("bot_keep").length > 0);
    assert.ok(timeline.sequenceOf("bot_9999").length > 0);
    assert.equal(timeline.sequenceOf("bot_9800").length, 0, "an old bot was forgotten");
  });
});
