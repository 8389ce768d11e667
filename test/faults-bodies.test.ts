import assert from "node:assert/strict";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { newMessageId } from "../src/recall/build.js";
import { generateSecret } from "../src/webhook/secret.js";
import { Signer } from "../src/webhook/sign.js";
import { ListenProcess } from "./helpers/listen.js";
import { chunked, rawExchange, requestHead } from "./helpers/raw.js";

// Odd bodies and headers, each sent on its own raw connection so the bytes on the wire are exactly
// the case's: the answer must be the right one, and the listener must still take a good delivery.
const secret = generateSecret();
const signer = new Signer(secret);
const CAP = 1024;
type Headers = [string, string][];

function signed(body: string | Buffer, id = newMessageId()): { id: string; headers: Headers } {
  const timestamp = Math.floor(Date.now() / 1000);
  return { id, headers: Object.entries(signer.sign(id, timestamp, body).headers) };
}

/** A JSON body of exactly `size` bytes. */
function bodyOfSize(size: number): string {
  const head = '{"event":"bot.done","data":{"pad":"';
  const tail = '"}}';
  return head + "x".repeat(size - head.length - tail.length) + tail;
}

function post(listen: ListenProcess, headers: Headers, body: string | Buffer): ReturnType<typeof rawExchange> {
  const bytes = typeof body === "string" ? Buffer.from(body) : body;
  return rawExchange(port(listen), [requestHead([...headers, ["content-length", String(bytes.length)]]), bytes]);
}

function port(listen: ListenProcess): number {
  return Number(new URL(listen.ready.local_url).port);
}

async function stillServes(listen: ListenProcess): Promise<void> {
  const body = bodyOfSize(200);
  const d = signed(body);
  assert.equal((await post(listen, d.headers, body)).status, 204, "a valid delivery after the odd ones");
  await listen.waitFor((r) => r.type === "event" && r.id === d.id);
  assert.equal(listen.child.exitCode, null, "the listener is still running");
}

describe("faults: bodies at and past the cap (--max-body 1024)", () => {
  let listen: ListenProcess;
  let journal: string;

  before(async () => {
    journal = join(await mkdtemp(join(tmpdir(), "rh-faults-")), "journal.jsonl");
    listen = await ListenProcess.start(["--secret", secret, "--save", journal, "--max-body", String(CAP)]);
  });
  after(async () => {
    assert.equal(await listen.stop(), 130);
  });

  it("takes a signed empty body and a signed body of exactly the cap", async () => {
    const empty = signed("");
    assert.equal((await post(listen, empty.headers, "")).status, 204);
    const full = bodyOfSize(CAP);
    const atCap = signed(full);
    assert.equal((await post(listen, atCap.headers, full)).status, 204);
    const events = await listen.waitForCount((r) => r.type === "event" && (r.id === empty.id || r.id === atCap.id), 2);
    assert.deepEqual(events.map((e) => e.verified), [true, true]);
  });

  it("answers 413 to the cap plus one byte, to a Content-Length over the cap, and to a chunked body that runs past it", async () => {
    const over = bodyOfSize(CAP + 1);
    assert.equal((await post(listen, signed(over).headers, over)).status, 413, "cap + 1");
    const declared = rawExchange(port(listen), [requestHead([...signed("{}").headers, ["content-length", "5000"]]), "{}"]);
    assert.equal((await declared).status, 413, "declared length over the cap");
    const long = Buffer.from(bodyOfSize(4 * CAP));
    const parts = chunked(long, 400);
    const answer = await rawExchange(port(listen), [requestHead([...signed(long).headers, ["transfer-encoding", "chunked"]]), ...parts]);
    assert.equal(answer.status, 413, `chunked past the cap (${answer.error ?? "closed"})`);
    const rejected = await listen.waitForCount((r) => r.type === "event" && r.reason === "too_large", 3);
    assert.equal(rejected.length, 3);
  });

  it("answers 413, not a reset, to a client still sending megabytes past the cap", async () => {
    const huge = Buffer.alloc(2 * 1024 * 1024, 0x61);
    const declared = await rawExchange(port(listen), [requestHead([...signed(huge).headers, ["content-length", String(huge.length)]]), huge]);
    assert.deepEqual([declared.status, declared.error], [413, null], "2 MiB with its Content-Length");
    const streamed = await rawExchange(port(listen), [requestHead([...signed(huge).headers, ["transfer-encoding", "chunked"]]), ...chunked(huge, 64 * 1024)]);
    assert.deepEqual([streamed.status, streamed.error], [413, null], "2 MiB chunked");
  });

  it("takes a chunked body under the cap", async () => {
    const body = Buffer.from(bodyOfSize(600));
    const d = signed(body);
    const answer = await rawExchange(port(listen), [requestHead([...d.headers, ["transfer-encoding", "chunked"]]), ...chunked(body, 250)]);
    assert.equal(answer.status, 204);
  });

  it("takes a signed body that is not valid UTF-8 and journals its exact bytes", async () => {
    const bytes = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0xff, 0xfe, 0xc3, 0x28, 0x7d]);
    const d = signed(bytes);
    assert.equal((await post(listen, d.headers, bytes)).status, 204);
    await listen.waitFor((r) => r.type === "event" && r.id === d.id);
    const lines = (await readFile(journal, "utf8")).split("\n").filter(Boolean).map((l) => JSON.parse(l) as { id?: string; body_base64?: string });
    const record = lines.find((l) => l.id === d.id);
    assert.equal(record?.body_base64, bytes.toString("base64"));
  });

  it("answers a 10 KB signature header: 401 when nothing in it matches, 204 when one entry does", async () => {
    const body = bodyOfSize(300);
    const junk = Array.from({ length: 220 }, (_, i) => `v1,${Buffer.alloc(32, i).toString("base64")}`).join(" ");
    assert.ok(junk.length >= 10_000);
    const bad = signed(body).headers.map(([k, v]): [string, string] => [k, k === "webhook-signature" ? junk : v]);
    assert.equal((await post(listen, bad, body)).status, 401);
    const good = signed(body).headers.map(([k, v]): [string, string] => [k, k === "webhook-signature" ? `${junk} ${v}` : v]);
    assert.equal((await post(listen, good, body)).status, 204);
  });

  it("accepts two signature headers when one is valid, in either order, and refuses two bad ones", async () => {
    const body = bodyOfSize(300);
    const wrong = `v1,${Buffer.alloc(32, 7).toString("base64")}`;
    for (const validFirst of [true, false]) {
      const d = signed(body);
      const valid = d.headers.find(([k]) => k === "webhook-signature")![1];
      const rest = d.headers.filter(([k]) => k !== "webhook-signature");
      const pair: Headers = validFirst ? [["webhook-signature", valid], ["webhook-signature", wrong]] : [["webhook-signature", wrong], ["webhook-signature", valid]];
      assert.equal((await post(listen, [...rest, ...pair], body)).status, 204, validFirst ? "valid first" : "valid second");
    }
    const d = signed(body);
    const rest = d.headers.filter(([k]) => k !== "webhook-signature");
    assert.equal((await post(listen, [...rest, ["webhook-signature", wrong], ["webhook-signature", wrong.replace("v1,B", "v1,C")]], body)).status, 401);
  });

  it("answers 400 to missing or contradictory signature headers", async () => {
    const body = bodyOfSize(100);
    assert.equal((await post(listen, [], body)).status, 400, "no headers");
    const d = signed(body);
    assert.equal((await post(listen, d.headers.filter(([k]) => k !== "webhook-signature"), body)).status, 400, "no signature");
    assert.equal((await post(listen, [...d.headers, ["webhook-id", "msg_other"]], body)).status, 400, "two ids");
  });

  it("is still up and taking deliveries", async () => {
    await stillServes(listen);
  });
});

describe("faults: deeply nested JSON (default cap)", () => {
  let listen: ListenProcess;

  before(async () => {
    listen = await ListenProcess.start(["--secret", secret, "--no-save"]);
  });
  after(async () => {
    assert.equal(await listen.stop(), 130);
  });

  const depth = 100_000;
  const cases: [string, string][] = [
    ["100k nested arrays", "[".repeat(depth) + "]".repeat(depth)],
    ["100k unclosed brackets", "[".repeat(depth)],
    ["50k nested objects", '{"a":'.repeat(depth / 2) + "1" + "}".repeat(depth / 2)],
  ];
  for (const [label, body] of cases) {
    it(`takes ${label} when signed, and answers 401 (not 500) when the signature is wrong`, async () => {
      const d = signed(body);
      assert.equal((await post(listen, d.headers, body)).status, 204, "signed");
      const forged = signed(body).headers.map(([k, v]): [string, string] => [k, k === "webhook-signature" ? `v1,${Buffer.alloc(32).toString("base64")}` : v]);
      assert.equal((await post(listen, forged, body)).status, 401, "wrong signature");
      await listen.waitFor((r) => r.type === "event" && r.id === d.id);
    });
  }

  it("is still up and taking deliveries", async () => {
    await stillServes(listen);
  });
});
