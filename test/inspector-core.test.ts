import assert from "node:assert/strict";
import { appendFile, mkdtemp, writeFile } from "node:fs/promises";
import { get } from "node:http";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { Webhook } from "svix";
import { prepare, checkTarget } from "../src/inspector/actions.js";
import { catalogNotes, verificationChecklist } from "../src/inspector/explain.js";
import { parseDelivery } from "../src/recall/parse.js";
import { startInspector } from "../src/inspector/index.js";
import { botScenario } from "../src/inspector/scenario.js";
import { JournalStore } from "../src/inspector/store.js";
import { matches, parseFilter, type Row } from "../src/inspector/ui/filter.js";
import { parseScenarioFile } from "../src/recall/scenarios.js";
import { generateSecret } from "../src/webhook/secret.js";
import { Signer } from "../src/webhook/sign.js";
import { spawnReady } from "./helpers/browser.js";
import { runCli } from "./helpers/cli.js";
import { ListenProcess, post } from "./helpers/listen.js";

const secret = generateSecret();
const signer = new Signer(secret);
const body = (event: string, bot = "b1", code = "x"): string => JSON.stringify({ event, data: { data: { code, sub_code: null, updated_at: new Date().toISOString() }, bot: { id: bot, metadata: {} } } });

function delivery(n: number, event: string, bot = "b1"): string {
  const id = `msg_${n}`;
  const signed = signer.sign(id, Math.floor(Date.now() / 1000), body(event, bot, event.slice(4)));
  return `${JSON.stringify({ type: "delivery", v: 1, key: `r:${n}`, seq: n, id, received_at: new Date(Date.now() + n).toISOString(), method: "POST", path: "/", headers: signed.headers, body: signed.body, verified: true, scheme: "webhook", event, bot_id: bot, forward_to: [], duplicate: false })}\n`;
}

/** Journal lines of real-time frames from bot b1's one connection, numbered from 1. */
function frames(): (event: string, payload: string) => string {
  let seq = 0;
  return (event, payload) => {
    seq += 1;
    const text = JSON.stringify({ event, data: { data: { participant: { name: "Ada" }, words: [{ text: payload }], buffer: payload }, bot: { id: "b1" } } });
    return `${JSON.stringify({ type: "frame", v: 1, connection: "r:ws1", seq, received_at: new Date().toISOString(), path: "/rt", verified: true, event, bot_id: "b1", binary: false, body: text })}\n`;
  };
}

const row = (over: Partial<Row>): Row => ({
  id: "msg_1", event: "bot.fatal", bot_id: "8ef3d462-aaaa", code: "fatal", sub_code: "zoom_meeting_not_started", verified: true, scheme: "webhook",
  duplicate: false, late: false, known_sub_code: true, forward: "failed", forward_status: 502, pinned: false, ...over,
});

describe("filter language", () => {
  it("matches keys, globs, negation and free words", () => {
    const r = row({});
    const yes = (q: string): boolean => matches(r, parseFilter(q));
    assert.ok(yes("event:bot.* bot:8ef3 sub:zoom_* forward:failed"));
    assert.ok(yes("event:bot.fatal verified:yes forward:>=500 -dup:yes"));
    assert.ok(!yes("verified:no"));
    assert.ok(!yes("-event:bot.*"));
    assert.ok(yes("zoom_meeting"));
    assert.ok(!yes("forward:ok"));
    assert.ok(matches(row({ verified: null }), parseFilter("verified:no")));
    assert.ok(matches(row({ sub_code: "new_code", known_sub_code: false }), parseFilter("sub:unknown")));
  });
});

describe("verification checklist", () => {
  const id = "msg_check";
  const ts = 1_700_000_000;
  const signedBody = '{"event": "bot.done", "data": {}}';
  const headers = signer.sign(id, ts, signedBody).headers;
  const at = ts * 1000 + 1_000;

  it("names the failed check: body changed, without the expected signature", () => {
    const tampered = Buffer.from(JSON.stringify(JSON.parse(signedBody)));
    const checks = verificationChecklist({ headers, body: tampered, signer, toleranceSeconds: 300, receivedAt: at });
    const failed = checks.filter((c) => c.state === "fail");
    assert.equal(failed.length, 1);
    assert.equal(failed[0]!.name, "Signature matches the exact bytes");
    assert.match(failed[0]!.detail, /^body changed/);
    const expected = signer.signature(id, ts, tampered).slice(3);
    assert.ok(checks.every((c) => !c.detail.includes(expected)));
    assert.equal(checks.at(-1)!.state, "skip");
  });

  it("judges the timestamp at arrival, and says when there is no secret or no header", () => {
    assert.ok(verificationChecklist({ headers, body: Buffer.from(signedBody), signer, toleranceSeconds: 300, receivedAt: at }).every((c) => c.state === "pass"));
    const late = verificationChecklist({ headers, body: Buffer.from(signedBody), signer, toleranceSeconds: 300, receivedAt: at + 600_000 });
    assert.equal(late.find((c) => c.state === "fail")!.name, "Timestamp within tolerance");
    const unknown = verificationChecklist({ headers, body: Buffer.from(signedBody), signer: null, toleranceSeconds: 300, receivedAt: at });
    assert.equal(unknown.find((c) => c.name === "Secret known")!.state, "unknown");
    const none = verificationChecklist({ headers: {}, body: Buffer.from(signedBody), signer, toleranceSeconds: 300, receivedAt: at });
    assert.match(none[0]!.detail, /once a workspace/);
  });
});

describe("catalog notes", () => {
  it("explain the event and sub code, and say when Recall sent one the catalog does not know", () => {
    const known = catalogNotes(parseDelivery(JSON.stringify({ event: "bot.fatal", data: { data: { code: "fatal", sub_code: "meeting_not_found" }, bot: { id: "b" } } })));
    assert.match(known.find((n) => n.label === "sub code")!.meaning, /No meeting was found/);
    const unknown = catalogNotes(parseDelivery(JSON.stringify({ event: "bot.fatal", data: { data: { code: "fatal", sub_code: "brand_new_code" }, bot: { id: "b" } } })));
    assert.equal(unknown.find((n) => n.label === "sub code")!.meaning, "not in catalog, passed through");
    assert.equal(catalogNotes(parseDelivery("not json"))[0]!.value, "(not JSON)");
  });
});

describe("replay requests", () => {
  const source = { id: "msg_src", headers: signer.sign("msg_src", 1_700_000_000, '{"a": 1}').headers, body: Buffer.from('{"a": 1}') };

  it("signs afresh on the server: same id, new id, edited (marked modified); the original keeps its bytes", () => {
    const now = Date.now();
    const same = prepare(source, "same_id", signer, now);
    assert.equal(same.id, "msg_src");
    assert.equal(same.timestamp, Math.floor(now / 1000));
    const h = same.headers as Record<string, string>;
    assert.doesNotThrow(() => new Webhook(secret).verify(same.body.toString(), { "svix-id": h["webhook-id"]!, "svix-timestamp": h["webhook-timestamp"]!, "svix-signature": h["webhook-signature"]! }));
    assert.notEqual(prepare(source, "new_id", signer, 0).id, "msg_src");
    const edited = prepare(source, "edited", signer, 0, '{"a": 2}');
    assert.equal(edited.modified, true);
    assert.equal(edited.body.toString(), '{"a": 2}');
    const original = prepare(source, "original", null, 0);
    assert.deepEqual(original.headers, source.headers);
    assert.ok(original.body.equals(source.body));
    assert.throws(() => prepare(source, "same_id", null, 0), /no secret/);
  });

  it("sends only to configured targets or a confirmed URL, http(s) only", () => {
    assert.equal(checkTarget("http://localhost:3000/h", ["http://localhost:3000/h"], false).href, "http://localhost:3000/h");
    assert.throws(() => checkTarget("http://elsewhere.example/", ["http://localhost:3000/h"], false), /confirm/);
    assert.equal(checkTarget("http://elsewhere.example/", [], true).host, "elsewhere.example");
    assert.throws(() => checkTarget("file:///etc/passwd", [], true), /http/);
  });
});

describe("journal store", () => {
  it("resumes after any cursor exactly, from the ring or the file, and follows the file as it grows", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rh-store-"));
    const path = join(dir, "j.jsonl");
    await writeFile(path, delivery(1, "bot.joining_call") + "not json\n" + delivery(2, "bot.in_waiting_room") + delivery(3, "bot.done"));
    const store = new JournalStore(path, { ringSize: 2 });
    await store.open();
    assert.deepEqual(store.entries().map((e) => e.record["id"]), ["msg_2", "msg_3"]);
    const all: string[] = [];
    for await (const [, line] of store.after({ pos: 0, sub: 0 })) all.push(JSON.parse(line).id);
    assert.deepEqual(all, ["msg_1", "msg_2", "msg_3"]);
    const first = (await store.after({ pos: 0, sub: 0 }).next()).value![0];
    const rest: string[] = [];
    for await (const [e] of store.after(first)) rest.push(String(e.record["id"]));
    assert.deepEqual(rest, ["msg_2", "msg_3"]);
    const seen: string[] = [];
    store.subscribe((e) => seen.push(String(e.record["id"])));
    const half = delivery(4, "bot.fatal");
    await appendFile(path, half.slice(0, 40));
    store.refresh();
    await store.settled();
    assert.deepEqual(seen, []);
    await appendFile(path, half.slice(40));
    store.refresh();
    await store.settled();
    assert.deepEqual(seen, ["msg_4"]);
    await store.close();
  });

  it("keeps real-time frames as listen --json's records, raw media bodiless in a ring of its own, in journal order after any cursor", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rh-store-"));
    const path = join(dir, "j.jsonl");
    const frame = frames();
    const audio = "A".repeat(50_000);
    // d1, audio x3, t(hello), d2, audio, t(world): with rings of 2, both rings evicted.
    await writeFile(path, delivery(1, "bot.joining_call") + frame("audio_mixed_raw.data", audio) + frame("audio_mixed_raw.data", audio) + frame("audio_mixed_raw.data", audio)
      + frame("transcript.data", "hello") + delivery(2, "bot.in_call_recording") + frame("audio_mixed_raw.data", audio) + frame("transcript.data", "world"));
    const store = new JournalStore(path, { ringSize: 2 });
    await store.open();
    // The deliveries and utterances share one ring; the audio chunks cannot push them out.
    assert.deepEqual(store.entries().map((e) => e.record["id"] ?? e.record["event"]), ["msg_2", "transcript.data"]);
    assert.equal(store.counted().length, 2);
    const raw = store.counted().at(-1)!.record;
    assert.equal(raw["type"], "frame");
    assert.equal("body" in raw, false, "raw media is counted, its body not kept");
    assert.equal(raw["bytes"], Buffer.byteLength(JSON.stringify({ event: "audio_mixed_raw.data", data: { data: { participant: { name: "Ada" }, words: [{ text: audio }], buffer: audio }, bot: { id: "b1" } } })));
    const order: string[] = [];
    for await (const [, line] of store.after({ pos: 0, sub: 0 })) {
      const r = JSON.parse(line) as Record<string, unknown>;
      order.push(r["type"] === "event" ? String(r["id"]) : `${String(r["seq"])}:${String(r["event"])}:${"body" in r ? "body" : "-"}`);
    }
    assert.deepEqual(order, ["msg_1", "1:audio_mixed_raw.data:-", "2:audio_mixed_raw.data:-", "3:audio_mixed_raw.data:-", "4:transcript.data:body", "msg_2", "5:audio_mixed_raw.data:-", "6:transcript.data:body"]);
    await store.close();
  });

  it("reads the window's lines in spans to the same stream records as one by one, across raw media and spans over 1 MB", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rh-store-"));
    const path = join(dir, "j.jsonl");
    const frame = frames();
    const big = "w".repeat(600_000);
    let text = "";
    for (let n = 1; n <= 30; n += 1) {
      text += delivery(n, n % 3 === 0 ? "bot.done" : "bot.in_call_recording", `b${n % 4}`);
      if (n % 7 === 0) text += frame("audio_mixed_raw.data", "A".repeat(2_000));
      if (n % 10 === 0) text += frame("transcript.data", big);
      if (n === 15) text += "not json\n";
    }
    await writeFile(path, text);
    const store = new JournalStore(path, { ringSize: 100 });
    await store.open();
    const kept = [...store.entries(), ...store.counted()].sort((a, b) => a.pos - b.pos);
    const one: string[] = [];
    for (const e of kept) one.push(await store.fullLine(e));
    assert.equal(one.filter((l) => l.includes(big)).length, 3, "each 600 KB utterance read whole");
    const streamed: string[] = [];
    for await (const [, line] of store.after(null)) streamed.push(line);
    assert.deepEqual(streamed, one);
    await store.close();
  });

  it("exports a bot's lifecycle as a scenario file simulate runs", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rh-store-"));
    const path = join(dir, "j.jsonl");
    await writeFile(path, delivery(1, "bot.joining_call", "bot-a") + delivery(2, "bot.in_waiting_room", "bot-a") + delivery(3, "bot.joining_call", "bot-b") + delivery(4, "bot.done", "bot-a"));
    const store = new JournalStore(path);
    await store.open();
    const scenario = botScenario(store.entries(), "bot-a");
    await store.close();
    assert.deepEqual((scenario["steps"] as { event: string }[]).map((s) => s.event), ["bot.joining_call", "bot.in_waiting_room", "bot.done"]);
    const file = join(dir, "bot-a.scenario.json");
    await writeFile(file, JSON.stringify(scenario));
    assert.equal(parseScenarioFile(JSON.stringify(scenario), file).steps.length, 3);
    const run = await runCli(["simulate", "lifecycle", "--scenario-file", file, "--speed", "0", "--json"]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.split("\n").filter((l) => l.includes('"type":"delivery"')).length, 3);
    const bad = await runCli(["simulate", "lifecycle", "--scenario-file", join(dir, "missing.json")]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Cannot read the scenario file/);
  });
});

/** The records of an SSE response until `count` arrived. */
function readStream(url: string, headers: Record<string, string>, count: number): Promise<{ id: string; data: Record<string, unknown> }[]> {
  return new Promise((resolve, reject) => {
    const out: { id: string; data: Record<string, unknown> }[] = [];
    const req = get(url, { headers, agent: false }, (res) => {
      let buffer = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buffer += chunk;
        let at: number;
        while ((at = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          const id = /^id: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (id !== undefined && data !== undefined) out.push({ id, data: JSON.parse(data) as Record<string, unknown> });
          if (out.length === count) { req.destroy(); resolve(out); }
        }
      });
    });
    req.on("error", (e) => { if (out.length < count) reject(e); });
  });
}

describe("inspector stream", () => {
  it("carries listen --json's own records, with journal positions as ids", async () => {
    const listen = await ListenProcess.start(["--inspect", "0", "--secret", secret, "--save", join(await mkdtemp(join(tmpdir(), "rh-sse-")), "j.jsonl")]);
    try {
      const url = String(listen.ready["inspect_url"]);
      const local = listen.ready.local_url;
      for (const n of [1, 2]) {
        const s = signer.sign(`msg_s${n}`, Math.floor(Date.now() / 1000), body("bot.joining_call", `bot-${n}`, "joining_call"));
        assert.equal((await post(local, s.headers, s.body)).status, 204);
      }
      const printed = await listen.waitForCount((r) => r.type === "event", 2);
      const streamed = await readStream(`${url}api/stream`, {}, 2);
      assert.deepEqual(streamed.map((s) => s.data), printed.map((r) => r));
      const resumed = await readStream(`${url}api/stream`, { "last-event-id": streamed[0]!.id }, 1);
      assert.equal(resumed[0]!.data["id"], "msg_s2");
    } finally {
      await listen.stop();
    }
  });

  it("sends a large window at the page's pace: a page that stops reading for a while is not cut off", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rh-sse-"));
    const path = join(dir, "j.jsonl");
    const notes = "n".repeat(20_000);
    let text = "";
    for (let n = 1; n <= 1000; n += 1) {
      const payload = JSON.stringify({ event: "bot.done", data: { data: { code: "done", sub_code: null, updated_at: new Date().toISOString() }, bot: { id: `b${n % 50}`, metadata: { notes } } } });
      text += `${JSON.stringify({ type: "delivery", v: 1, key: `r:${n}`, seq: n, id: `msg_${n}`, received_at: new Date().toISOString(), method: "POST", path: "/", headers: {}, body: payload, verified: null, scheme: null, event: "bot.done", bot_id: `b${n % 50}`, forward_to: [], duplicate: false })}\n`;
    }
    await writeFile(path, text);
    const inspector = await startInspector({ journalPath: path, port: 0, fixturesDir: dir, mode: "journal" });
    try {
      const seen = await new Promise<{ ids: number; caughtUp: boolean; closedEarly: boolean }>((resolve, reject) => {
        const req = get(`${inspector.url}api/stream`, (res) => {
          let ids = 0;
          let rest = "";
          let done = false;
          res.setEncoding("utf8");
          // Not read for the first second: the window is 20 MB, more than the kernel's socket buffers take.
          res.pause();
          setTimeout(() => res.resume(), 1_000);
          res.on("data", (chunk: string) => {
            const blocks = (rest + chunk).split("\n\n");
            rest = blocks.pop()!;
            for (const b of blocks) {
              if (b.startsWith("id: ")) ids += 1;
              if (b.startsWith("event: caught-up")) {
                done = true;
                resolve({ ids, caughtUp: true, closedEarly: false });
                req.destroy();
              }
            }
          });
          res.on("close", () => { if (!done) resolve({ ids, caughtUp: false, closedEarly: true }); });
        });
        req.on("error", reject);
      });
      assert.deepEqual(seen, { ids: 1000, caughtUp: true, closedEarly: false });
    } finally {
      await inspector.close();
    }
  });

  it("binds beyond loopback only with a token, kept in a cookie after the first visit", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rh-token-"));
    const path = join(dir, "j.jsonl");
    await writeFile(path, delivery(1, "bot.joining_call"));
    const inspect = await spawnReady(["inspect", path, "--host", "0.0.0.0", "--port", "0", "--json"]);
    try {
      const url = new URL(inspect.ready.inspect_url);
      const token = url.searchParams.get("token") ?? "";
      assert.match(token, /^[0-9a-f]{32}$/);
      const fetchOne = (p: string, headers: Record<string, string> = {}): Promise<{ status: number; cookie: string }> => new Promise((resolve, reject) => {
        get(`${url.origin}${p}`, { agent: false, headers }, (res) => { res.resume(); resolve({ status: res.statusCode ?? 0, cookie: String(res.headers["set-cookie"]?.[0] ?? "") }); }).on("error", reject);
      });
      assert.equal((await fetchOne("/api/info")).status, 403);
      const first = await fetchOne(`/?token=${token}`);
      assert.equal(first.status, 200);
      assert.match(first.cookie, /^rh_token=[0-9a-f]{32}; HttpOnly; SameSite=Strict/);
      assert.equal((await fetchOne("/api/info", { cookie: first.cookie.split(";")[0]! })).status, 200);
      assert.equal((await fetchOne("/api/info", { cookie: "rh_token=wrong" })).status, 403);
    } finally {
      await inspect.stop();
    }
  });

  it("answers the JSON API with the page's filter language and each bot's state", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rh-api-"));
    const path = join(dir, "j.jsonl");
    await writeFile(path, delivery(1, "bot.joining_call", "bot-a") + delivery(2, "bot.fatal", "bot-a") + delivery(3, "bot.joining_call", "bot-b"));
    const inspector = await startInspector({ journalPath: path, port: 0, fixturesDir: dir, mode: "journal" });
    const json = (p: string): Promise<Record<string, unknown>> => new Promise((resolve, reject) => {
      get(`${inspector.url}${p}`, { agent: false }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => { text += c; });
        res.on("end", () => resolve(JSON.parse(text) as Record<string, unknown>));
      }).on("error", reject);
    });
    try {
      const fatal = (await json("api/deliveries?q=event:bot.fatal")).deliveries as Record<string, unknown>[];
      assert.deepEqual(fatal.map((d) => d["id"]), ["msg_2"]);
      const notA = (await json("api/deliveries?q=-bot:bot-a")).deliveries as Record<string, unknown>[];
      assert.deepEqual(notA.map((d) => d["id"]), ["msg_3"]);
      const paged = (await json(`api/deliveries?limit=1&before=${String(fatal[0]!["cursor"])}`)).deliveries as Record<string, unknown>[];
      assert.deepEqual(paged.map((d) => d["id"]), ["msg_1"]);
      const bots = (await json("api/bots")).bots as Record<string, unknown>[];
      const a = bots.find((b) => b["bot_id"] === "bot-a")!;
      assert.deepEqual(a["path"], ["joining_call", "fatal"]);
      assert.equal(a["terminal"], true);
      assert.equal(bots.find((b) => b["bot_id"] === "bot-b")!["terminal"], false);
    } finally {
      await inspector.close();
    }
  });

  it("inspect without a journal is a usage error that says what to do", async () => {
    const run = await runCli(["inspect", join(tmpdir(), "no-such-journal.jsonl")]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /No journal at .*run `recall-hooks listen` first/);
  });

  // A start that fails to bind once left the journal open and watched, and the process never ended
  // (the browser test that restarts inspect on its old port hung when another process took it).
  // The timeout turns that hang back into a failure.
  it("a port in use is a usage error, and the process ends", { timeout: 60_000 }, async (t) => {
    const dir = await mkdtemp(join(tmpdir(), "rh-inspect-busy-"));
    const journal = join(dir, "j.jsonl");
    await writeFile(journal, delivery(1, "bot.joining_call"));
    const occupant = createServer();
    await new Promise<void>((resolve) => occupant.listen(0, "127.0.0.1", resolve));
    const port = String((occupant.address() as AddressInfo).port);
    try {
      const inspect = await runCli(["inspect", journal, "--port", port], { signal: t.signal });
      assert.equal(inspect.code, 2, inspect.stderr);
      assert.match(inspect.stderr, new RegExp(`Port ${port} is in use: pass another port for the inspector, or 0 for a free one`));
      const listen = await runCli(["listen", "--port", "0", "--save", journal, "--inspect", port], { signal: t.signal });
      assert.equal(listen.code, 2, listen.stderr);
      assert.match(listen.stderr, new RegExp(`Port ${port} is in use`));
    } finally {
      occupant.close();
    }
  });
});
