import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, it } from "node:test";
import { buildEvent, newMessageId, serializeEvent } from "../src/recall/build.js";
import { generateSecret } from "../src/webhook/secret.js";
import { Signer } from "../src/webhook/sign.js";
import { renderSummary } from "../src/output/listen.js";
import { PLAIN as plain } from "../src/output/style.js";
import { ListenProcess, Target } from "./helpers/listen.js";


const secret = generateSecret();
const signer = new Signer(secret);
const OLD = "http://127.0.0.1:9/old-app/hooks";
const T = { timeout: 20_000 };

// A test that fails leaves no listener or app behind to hold the run open.
const running: { close(): unknown }[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.close();
});

async function start(args: readonly string[]): Promise<ListenProcess> {
  const listen = await ListenProcess.start(args);
  running.push({ close: () => { if (listen.child.exitCode === null) listen.child.kill("SIGKILL"); } });
  return listen;
}

async function app(): Promise<Target> {
  const target = await new Target().listen();
  running.push({ close: () => target.close().catch(() => {}) });
  return target;
}

/** A journal an earlier run left: one delivery whose forward to `target` failed and is still owed. */
async function journalOwing(target: string): Promise<{ path: string; id: string; body: string }> {
  const path = join(await mkdtemp(join(tmpdir(), "rh-owed-")), "journal.jsonl");
  const id = newMessageId();
  const body = serializeEvent(buildEvent("bot.done"));
  const { headers } = signer.sign(id, Math.floor(Date.now() / 1000), body);
  const at = new Date().toISOString();
  await writeFile(path, [
    { type: "delivery", v: 1, key: "r1:1", seq: 1, id, received_at: at, method: "POST", path: "/", headers, body, verified: true, scheme: "webhook", event: "bot.done", bot_id: null, duplicate: false, forward_to: [target] },
    { type: "forward", key: "r1:1", seq: 1, id, target, ok: false, status: null, attempt: 2, at, latency_ms: 1, error: "connection refused" },
  ].map((r) => `${JSON.stringify(r)}\n`).join(""));
  return { path, id, body };
}

describe("listen: forwards owed to a target no longer configured (issue 8 defect 4)", () => {
  it("says how many and to which old target, on stderr and as an 'orphaned' record after 'ready'", T, async () => {
    const target = await app();
    const journal = await journalOwing(OLD);
    const listen = await start(["--secret", secret, "--save", journal.path, "-f", target.url]);
    const orphaned = await listen.waitFor((r) => r.type === "orphaned");
    assert.deepEqual([orphaned.count, orphaned.target], [1, OLD]);
    assert.ok(listen.records.findIndex((r) => r.type === "ready") < listen.records.indexOf(orphaned), "after ready");
    assert.equal(await listen.stop(), 130);
    const lines = listen.stderr.split("\n").filter((l) => l.includes(OLD));
    assert.equal(lines.length, 1, listen.stderr);
    assert.match(lines[0]!, /1 forward still owed to .*no longer configured.*--resend-owed-to/);
    assert.equal(target.requests.length, 0, "not sent anywhere unasked");
  });

  it("--resend-owed-to <url> sends them there, byte for byte, and settles them", T, async () => {
    const target = await app();
    const journal = await journalOwing(OLD);
    const listen = await start(["--secret", secret, "--save", journal.path, "--resend-owed-to", target.url]);
    const [got] = await target.waitForRequests(1);
    assert.equal(got!.body.toString(), journal.body);
    assert.equal(got!.headers["webhook-id"], journal.id);
    await listen.waitFor((r) => r.type === "forward" && r.ok === true);
    assert.equal(await listen.stop(), 130);
    // The next start owes nothing.
    const again = await start(["--secret", secret, "--save", journal.path]);
    assert.equal(await again.stop(), 130);
    assert.ok(!again.records.some((r) => r.type === "orphaned" || r.type === "resumed"), JSON.stringify(again.records));
    assert.equal(target.requests.length, 1);
  });

  it("with --no-save the summary does not promise a retry", () => {
    const summary = { deliveries: 1, byEvent: { "bot.done": 1 }, rejected: 0, rejectedByReason: {}, unverified: 1, duplicates: 0, outOfOrder: 0, forwardsOk: 0, forwardFailures: 0, forwardsOwed: 1 };
    const kept = renderSummary({ ...summary, journal: "/j.jsonl" }, plain).join("\n");
    assert.match(kept, /1 still owed \(retried on the next listen with this journal\)/);
    const lost = renderSummary({ ...summary, journal: null }, plain).join("\n");
    assert.match(lost, /1 not delivered \(no journal: nothing will retry it\)/);
    assert.doesNotMatch(lost, /retried/);
  });
});

describe("listen: the resumed record (issue 8 item 12)", () => {
  it("comes after ready", T, async () => {
    const target = await app();
    const journal = await journalOwing(target.url);
    const listen = await start(["--secret", secret, "--save", journal.path, "-f", target.url]);
    await target.waitForRequests(1);
    const resumed = await listen.waitFor((r) => r.type === "resumed");
    assert.ok(listen.records.findIndex((r) => r.type === "ready") < listen.records.indexOf(resumed), listen.records.map((r) => r.type).join(","));
    assert.equal(await listen.stop(), 130);
  });
});
