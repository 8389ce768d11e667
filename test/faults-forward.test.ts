import assert from "node:assert/strict";
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { buildEvent, newMessageId, serializeEvent } from "../src/recall/build.js";
import { generateSecret } from "../src/webhook/secret.js";
import { Signer } from "../src/webhook/sign.js";
import { ListenProcess, onLines, post, Target } from "./helpers/listen.js";

const secret = generateSecret();
const signer = new Signer(secret);
const DELIVERIES = 100;
const SENDERS = 4;

// The first target is a real process, killed with SIGKILL. It prints each id before it answers
// 200; the restarted target (same port) answers 202. A forward the listener saw succeed carries
// the status of the target that answered it, so "forwarded again after a success" is checkable:
// an id the listener saw answered 200 must never reach the second target.
const TARGET = `
const server = require("node:http").createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    process.stdout.write(req.headers["webhook-id"] + "\\n");
    res.writeHead(200).end("ok");
  });
});
server.listen(0, "127.0.0.1", () => process.stdout.write("port " + server.address().port + "\\n"));`;

interface FirstTarget {
  readonly child: ChildProcessWithoutNullStreams;
  readonly port: number;
  readonly received: string[];
  readonly exited: Promise<void>;
}

async function startFirstTarget(killAfter: number): Promise<FirstTarget> {
  const child = spawn(process.execPath, ["-e", TARGET]);
  const received: string[] = [];
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    onLines(child.stdout, (line) => {
      if (line.startsWith("port ")) resolve(Number(line.slice(5)));
      else received.push(line);
      if (received.length === killAfter) child.kill("SIGKILL");
    });
    child.on("error", reject);
  });
  return { child, port, received, exited };
}

async function sendAll(url: string): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  const sender = async (): Promise<void> => {
    while (next < DELIVERIES) {
      next += 1;
      const body = serializeEvent(buildEvent("bot.in_call_recording"));
      const id = newMessageId();
      ids.push(id);
      const { status } = await post(url, signer.sign(id, Math.floor(Date.now() / 1000), body).headers, body);
      assert.equal(status, 204);
    }
  };
  await Promise.all(Array.from({ length: SENDERS }, sender));
  return ids;
}

describe("faults: the forward target killed and restarted mid-stream", () => {
  it("loses nothing and forwards nothing again once it succeeded", { timeout: 60_000 }, async () => {
    const killAfter = 5 + Math.floor(Math.random() * 35);
    const first = await startFirstTarget(killAfter);
    const journal = join(await mkdtemp(join(tmpdir(), "rh-fwd-")), "journal.jsonl");
    const listen = await ListenProcess.start(["--secret", secret, "--save", journal, "--forward-to", `http://127.0.0.1:${first.port}/hook`, "--retry-base", "50"]);
    const second = new Target();
    second.respond = () => ({ status: 202 });
    const restarted = (async () => {
      await first.exited;
      // Up again only once the listener has seen the target fail, so the outage is real.
      await listen.waitFor((r) => r.type === "forward" && r.ok === false);
      await second.listen(first.port);
    })();
    const ids = await sendAll(listen.ready.local_url);
    await restarted;
    await listen.waitForCount((r) => r.type === "forward" && r.ok === true, DELIVERIES);
    assert.equal(await listen.stop(), 130);
    await second.close();

    const ok = listen.records.filter((r) => r.type === "forward" && r.ok === true);
    const okById = new Map<string, number[]>();
    for (const r of ok) okById.set(String(r.id), [...(okById.get(String(r.id)) ?? []), Number(r.status)]);
    const atSecond = second.requests.map((r) => String(r.headers["webhook-id"]));
    const context = `killed after ${killAfter}; first target got ${first.received.length}, second ${atSecond.length}`;

    assert.equal(first.received.length >= killAfter, true, context);
    assert.deepEqual(ids.filter((id) => okById.get(id)?.length !== 1), [], `each delivery has exactly one successful forward (${context})`);
    assert.deepEqual(ids.filter((id) => !first.received.includes(id) && !atSecond.includes(id)), [], `nothing lost (${context})`);
    assert.deepEqual(atSecond.filter((id) => okById.get(id)?.[0] === 200), [], `nothing the first target answered reached the second (${context})`);
    assert.equal(new Set(atSecond).size, atSecond.length, `no id twice at the second target (${context})`);
    assert.deepEqual(new Set(atSecond), new Set(ids.filter((id) => okById.get(id)?.[0] === 202)), context);
    assert.ok(listen.records.some((r) => r.type === "forward" && r.ok === false), "the outage showed as failed attempts");

    // The durable outbox agrees: one successful forward record per delivery in the journal.
    const lines = (await readFile(journal, "utf8")).trim().split("\n").map((l) => JSON.parse(l) as { type: string; key: string; id: string; ok?: boolean });
    const okKeys = lines.filter((l) => l.type === "forward" && l.ok === true).map((l) => l.key);
    const deliveries = lines.filter((l) => l.type === "delivery");
    assert.equal(deliveries.length, DELIVERIES);
    assert.deepEqual(okKeys.slice().sort(), deliveries.map((d) => d.key).sort());
  });
});
