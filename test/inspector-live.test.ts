import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { type Appended, Journal } from "../src/deliveries/journal.js";
import { JournalStore } from "../src/inspector/store.js";
import { startListener } from "../src/listen/listener.js";
import { listenerLine } from "../src/output/listen.js";
import { post } from "./helpers/listen.js";

const status = (n: number, code: string, updatedAt: string): string => JSON.stringify({ event: `bot.${code}`, data: { data: { code, sub_code: null, updated_at: updatedAt }, bot: { id: "b1", metadata: {} } } });
/** An earlier run's journal line: bot b1 recording at 00:00:03. */
const earlier = (): string => JSON.stringify({ type: "delivery", v: 1, key: "old:1", seq: 1, id: "msg_old", received_at: new Date().toISOString(), method: "POST", path: "/", headers: {}, body: status(0, "in_call_recording", "2026-01-01T00:00:03Z"), verified: null, scheme: null, event: "bot.in_call_recording", bot_id: "b1", duplicate: false, forward_to: [] });
const headers = (id: string): Record<string, string> => ({ "webhook-id": id, "webhook-timestamp": String(Math.floor(Date.now() / 1000)), "webhook-signature": "v1,c2ln" });

/** The summaries a store keeps, with their updated_at (bot timelines). */
const kept = (store: JournalStore): unknown[] => [...store.entries(), ...store.counted()].map((e) => [e.cursor, e.record, e.updatedAt ?? null]);

async function records(store: JournalStore): Promise<[string, string][]> {
  const out: [string, string][] = [];
  for await (const [e, line] of store.after(null)) out.push([e.cursor, line]);
  return out;
}

describe("inspector beside the listener (listen --inspect)", () => {
  it("follows the journal from what the listener wrote: the same ids and records as reading the file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rh-live-"));
    const path = join(dir, "j.jsonl");
    // An earlier run's line, and a torn one the journal ends before appending.
    await writeFile(path, `${earlier()}\n{"type":"deli`);
    // As listen-run wires it: the store hears of lines and events once the inspector is up.
    let hooked: JournalStore | null = null;
    const listener = await startListener({ port: 0, journalPath: path, onJournaled: (a: Appended) => hooked?.appended(a), onEvent: (e) => hooked?.onListenerEvent(e) });
    const live = new JournalStore(path);
    try {
      await live.open();
      // Written once the store has read the file but before it hears of lines: the next line it hears of is not the next in the file, so it reads the file.
      assert.equal((await post(listener.url, headers("msg_1"), status(1, "joining_call", "2026-01-01T00:00:01Z"))).status, 204);
      await new Promise((resolve) => setImmediate(resolve)); // its listener event has gone by too
      hooked = live;
      const seen: [string, string][] = [];
      live.subscribe((e, line) => seen.push([e.cursor, line]));
      // Out of order after the earlier run's status, a duplicate, a body that is not UTF-8, and one more.
      assert.equal((await post(listener.url, headers("msg_2"), status(2, "joining_call", "2026-01-01T00:00:02Z"))).status, 204);
      assert.equal((await post(listener.url, headers("msg_2"), status(2, "joining_call", "2026-01-01T00:00:02Z"))).status, 204);
      assert.equal((await post(listener.url, headers("msg_3"), Buffer.from([0xff, 0xfe, 0x00]))).status, 204);
      assert.equal((await post(listener.url, headers("msg_4"), status(4, "done", "2026-01-01T00:00:09Z"))).status, 204);
      await live.settled();
      assert.equal(seen.length, 5);
      const read = new JournalStore(path);
      await read.open();
      const fromFile = await records(read);
      assert.deepEqual(kept(live), kept(read));
      await read.close();
      assert.deepEqual(await records(live), fromFile);
      assert.deepEqual(seen, fromFile.slice(-5));
      assert.equal(JSON.parse(seen[0]![1])["id"], "msg_1");
      const late = JSON.parse(seen[1]![1]) as Record<string, unknown>;
      assert.equal(late["out_of_order_after"], "in_call_recording");
      assert.equal(JSON.parse(seen[2]![1])["duplicate"], true);
      assert.equal(typeof JSON.parse(seen[3]![1])["body_base64"], "string");
      assert.equal(live.offset, fromFile.length > 0 ? Number(fromFile.at(-1)![0]) : 0);
    } finally {
      await listener.close();
      await live.close();
    }
  });

  it("takes forward records and real-time frames from the objects written, as reading them back would", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rh-live-"));
    const path = join(dir, "j.jsonl");
    const journal = await Journal.open(path);
    const live = new JournalStore(path);
    await live.open();
    journal.observe((a) => live.appended(a));
    const seen: [string, string][] = [];
    live.subscribe((e, line) => seen.push([e.cursor, line]));
    const at = new Date().toISOString();
    try {
      await journal.append({ type: "forward", key: "r:1", seq: 1, id: "msg_1", target: "http://127.0.0.1:9/", ok: false, status: 502, attempt: 1, at, latency_ms: 3, error: null });
      await journal.append({ type: "frame", v: 1, connection: "c1", seq: 1, received_at: at, path: "/ws", verified: null, event: "transcript.data", bot_id: "b1", binary: false, body: JSON.stringify({ event: "transcript.data", data: { bot: { id: "b1" }, data: { words: [{ text: "hi" }] } } }) });
      await journal.append({ type: "frame", v: 1, connection: "c1", seq: 2, received_at: at, path: "/ws", verified: null, event: null, bot_id: null, binary: true, body_base64: Buffer.from([1, 2, 3]).toString("base64") });
      await live.settled();
      const read = new JournalStore(path);
      await read.open();
      const fromFile = await records(read);
      await read.close();
      assert.equal(fromFile.length, 3);
      assert.deepEqual(seen, fromFile);
      assert.deepEqual(await records(live), fromFile);
      const again = new JournalStore(path);
      await again.open();
      assert.deepEqual(kept(live), kept(again));
      await again.close();
    } finally {
      await journal.close();
      await live.close();
    }
  });

  it("reads the file when another process wrote to the journal between the listener's lines", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rh-live-"));
    const path = join(dir, "j.jsonl");
    const ours = await Journal.open(path);
    const other = await Journal.open(path);
    const live = new JournalStore(path);
    await live.open();
    ours.observe((a) => live.appended(a));
    const seen: string[] = [];
    live.subscribe((e) => seen.push(e.cursor));
    const forward = (n: number): object => ({ type: "forward", key: `r:${n}`, seq: n, id: `msg_${n}`, target: "http://127.0.0.1:9/", ok: true, status: 204, attempt: 1, at: new Date().toISOString(), latency_ms: 1, error: null });
    try {
      await ours.append(forward(1));
      await other.append(forward(2));
      await ours.append(forward(3));
      await live.settled();
      const read = new JournalStore(path);
      await read.open();
      assert.deepEqual(seen, (await records(read)).map(([cursor]) => cursor));
      assert.equal(seen.length, 3);
      await read.close();
    } finally {
      await ours.close();
      await other.close();
      await live.close();
    }
  });

  it("streams each delivery as the line listen --json printed for it, out-of-order mark included", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rh-live-"));
    const path = join(dir, "j.jsonl");
    // An earlier run saw b1 recording; this run's listener did not, so for it joining_call is not late.
    await writeFile(path, `${earlier()}\n`);
    const live = new JournalStore(path);
    await live.open();
    const printed: string[] = [];
    const listener = await startListener({ port: 0, journalPath: path, onJournaled: (a: Appended) => live.appended(a), onEvent: (e) => { live.onListenerEvent(e); if (e.type === "delivery") printed.push(listenerLine(e)); } });
    const seen: string[] = [];
    live.subscribe((_e, line) => seen.push(line));
    try {
      for (const [id, code, at] of [["msg_1", "joining_call", "00:02"], ["msg_2", "in_call_recording", "00:05"], ["msg_3", "joining_call", "00:04"]] as const) {
        assert.equal((await post(listener.url, headers(id), status(0, code, `2026-01-01T00:${at}Z`))).status, 204);
      }
      await live.settled();
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(seen, printed);
      assert.deepEqual(seen.map((line) => (JSON.parse(line) as { out_of_order_after: string | null }).out_of_order_after), [null, null, "in_call_recording"]);
    } finally {
      await listener.close();
      await live.close();
    }
  });
});
