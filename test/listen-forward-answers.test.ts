import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { describe, it } from "node:test";
import type { ForwardOutcome } from "../src/listen/forwarder.js";
import { type ListenerEvent, startListener } from "../src/listen/listener.js";
import { listenerPrinter, renderListenerEvent } from "../src/output/listen.js";
import { Reporter } from "../src/output/reporter.js";
import { PLAIN } from "../src/output/style.js";
import { buildEvent, newMessageId, serializeEvent } from "../src/recall/build.js";
import type { DeliveryResult } from "../src/webhook/deliver.js";
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

const outcomes = (events: ListenerEvent[]): ForwardOutcome[] => events.flatMap((e) => (e.type === "forward" ? [e.outcome] : []));

/** Forwards one delivery to a target that always answers `status`; resolves once `attempts` outcomes came. */
async function forwardTo(status: number, attempts: number): Promise<{ outcomes: ForwardOutcome[]; requests: number }> {
  const target = await new Target().listen();
  target.respond = () => ({ status, body: "nope" });
  const seen = collector();
  const listener = await startListener({ forward: [{ pattern: null, url: new URL(target.url) }], retryBaseMs: 10, retryMaxMs: 20, onEvent: seen.onEvent });
  await post(listener.url, { "webhook-id": newMessageId() }, serializeEvent(buildEvent("bot.done")));
  await seen.until((events) => outcomes(events).length >= attempts);
  const summary = await listener.close();
  const requests = target.requests.length;
  await target.close();
  assert.equal(summary.forwardsOwed, 1, "still owed: the journal keeps it for a later run");
  return { outcomes: outcomes(seen.events), requests };
}

describe("listen: a forward answered with the same 4xx three times stops retrying (issue 8 defect 13)", () => {
  it("stops after the third 400 in a row and says why", { timeout: 20_000 }, async () => {
    const { outcomes: got, requests } = await forwardTo(400, 3);
    assert.deepEqual(got.map((o) => o.retryInMs === null), [false, false, true]);
    assert.equal(got[2]!.gaveUp, true);
    assert.equal(requests, 3, "no fourth attempt");
    const text = renderListenerEvent({ type: "forward", outcome: got[2]! }, PLAIN).join("\n");
    assert.match(text, /stopped retrying: answered 400 3 times in a row, and a 4xx will not fix itself/);
  });

  for (const status of [408, 409, 425, 429]) {
    it(`keeps retrying a ${status}`, { timeout: 20_000 }, async () => {
      const { outcomes: got } = await forwardTo(status, 4);
      assert.ok(got.slice(0, 4).every((o) => o.retryInMs !== null && !o.gaveUp));
    });
  }
});

function result(status: number | null, body: string): DeliveryResult {
  return { status, ok: false, latencyMs: 3, body, error: status === null ? "refused" : null, errorMessage: status === null ? "connection refused" : null };
}

function forwardEvent(target: string, r: DeliveryResult, attempt = 1): ListenerEvent {
  return { type: "forward", outcome: { job: { key: `r:${attempt}`, id: newMessageId(), target, headers: {}, body: Buffer.from("{}") }, attempt, result: r, resigned: false, retryInMs: 1000, gaveUp: false } };
}

describe("listen: the same failure is printed once per distinct answer, then counted (issue 8 defect 13)", () => {
  it("prints the body and hint once per target, status and body", async () => {
    let out = "";
    const sink = new Writable({ write(chunk: Buffer, _e, done) { out += chunk.toString(); done(); } });
    const reporter = await Reporter.create({ stdout: sink, stderr: sink, env: { NO_COLOR: "1" }, json: false });
    const print = listenerPrinter(reporter);
    const a = "http://127.0.0.1:1/a";
    for (let i = 0; i < 3; i += 1) print(forwardEvent(a, result(500, "database down")));
    print(forwardEvent(a, result(500, "other body")));
    print(forwardEvent("http://127.0.0.1:1/b", result(500, "database down")));
    print(forwardEvent(a, result(500, "database down")));
    assert.equal(out.match(/body: database down/g)?.length, 2, out);
    assert.equal(out.match(/body: other body/g)?.length, 1, out);
    assert.equal(out.match(/hint:/g)?.length, 3, out);
    assert.match(out, /same answer as before \(2nd time\)/);
    assert.match(out, /same answer as before \(4th time\)/);
  });
});

describe("listen: why retrying stopped is said once per distinct answer (issue 8 defect 13)", () => {
  it("explains the first stop, then only marks the others; without a journal it promises no later send", async () => {
    let out = "";
    const sink = new Writable({ write(chunk: Buffer, _e, done) { out += chunk.toString(); done(); } });
    const reporter = await Reporter.create({ stdout: sink, stderr: sink, env: { NO_COLOR: "1" }, json: false });
    const print = listenerPrinter(reporter, { journaled: false });
    for (let i = 0; i < 2; i += 1) {
      const event = forwardEvent("http://127.0.0.1:1/a", result(400, "bad"), 3);
      if (event.type === "forward") print({ ...event, outcome: { ...event.outcome, retryInMs: null, gaveUp: true } });
    }
    assert.equal(out.match(/stopped retrying: answered 400 3 times in a row/g)?.length, 1, out);
    assert.equal(out.match(/stopped retrying \(as above\)/g)?.length, 1, out);
    assert.doesNotMatch(out, /journal/);
  });
});

describe("listen: the forward hint for a 400/401 names the re-serialisation bug (issue 8 defect 3)", () => {
  for (const status of [400, 401]) {
    it(`names JSON.stringify of the parsed body for a ${status}`, () => {
      const text = renderListenerEvent(forwardEvent("http://127.0.0.1:1/a", result(status, "invalid signature")), PLAIN).join("\n");
      assert.match(text, /hint: .*JSON\.stringify\(.*parsed body.* raw bytes/);
    });
  }
});

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
