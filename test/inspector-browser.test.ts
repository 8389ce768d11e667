import assert from "node:assert/strict";
import { request } from "node:http";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { buildEvent } from "../src/recall/build.js";
import { formatBody } from "../src/recall/body-format.js";
import { generateSecret } from "../src/webhook/secret.js";
import { Signer } from "../src/webhook/sign.js";
import { type Child, launchBrowser, spawnReady, startRelay } from "./helpers/browser.js";
import { post } from "./helpers/listen.js";
import { type Receiver, startReceiver } from "./helpers/receiver.js";
import { MEET, recallClient, WebhookApp } from "./helpers/emulate.js";

const secret = generateSecret();
const signer = new Signer(secret);
let browser: Browser;

before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

function signed(event: string, id: string, options: { body?: string; timestamp?: number } = {}): { headers: Record<string, string>; body: string } {
  const body = options.body ?? formatBody(buildEvent(event), "spaced");
  const s = signer.sign(id, options.timestamp ?? Math.floor(Date.now() / 1000), body);
  return { headers: s.headers, body };
}

async function send(url: string, event: string, id: string, options: { body?: string; timestamp?: number } = {}): Promise<number> {
  const s = signed(event, id, options);
  return (await post(url, s.headers, s.body)).status;
}

/** Opens the page and fails the test on any dialog, page error or request off its own origin. */
async function open(url: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  const problems: string[] = [];
  const origin = new URL(url).origin;
  page.on("dialog", (d) => { problems.push(`dialog: ${d.message()}`); void d.dismiss(); });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("request", (r) => { if (!r.url().startsWith(`${origin}/`)) problems.push(`request off origin: ${r.url()}`); });
  await page.goto(url);
  return { page, problems };
}

/** Waits (no sleep: the page's own polling) until `count` elements match. A function, not a string: the CSP forbids eval. */
async function rowsMatch(page: Page, selector: string, count: number): Promise<void> {
  type Doc = { querySelectorAll(s: string): { length: number } };
  await page.waitForFunction(([sel, n]) => (globalThis as unknown as { document: Doc }).document.querySelectorAll(sel as string).length === n, [selector, count] as const);
}

async function msgs(page: Page): Promise<(string | null)[]> {
  return Promise.all((await page.locator("#list .row").all()).map((r) => r.getAttribute("data-msg")));
}

function raw(url: string, method: string, headers: Record<string, string>, body = ""): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: false }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
    req.on("error", reject);
    req.end(body);
  });
}

describe("inspector in a browser, beside listen --inspect", () => {
  let listen: Child;
  let receiver: Receiver;
  let page: Page;
  let problems: string[];
  let local: string;
  let inspect: string;

  before(async () => {
    receiver = await startReceiver(secret);
    const dir = mkdtempSync(join(tmpdir(), "rh-inspect-"));
    listen = await spawnReady(["listen", "--json", "--port", "0", "--inspect", "0", "--secret", secret, "--save", join(dir, "j.jsonl"), "--forward-to", receiver.url]);
    local = String(listen.ready["local_url"]);
    inspect = listen.ready.inspect_url;
    ({ page, problems } = await open(inspect));
  });
  after(async () => {
    await page?.close();
    await listen?.stop();
    await receiver?.close();
  });

  it("shows a delivery live, without a reload", async () => {
    assert.equal(await send(local, "bot.joining_call", "msg_live_1"), 204);
    await page.locator('[data-msg="msg_live_1"]').waitFor();
    assert.match(await page.locator('[data-msg="msg_live_1"]').innerText(), /bot\.joining_call/);
  });

  it("a tampered body shows \"body changed\" and never the expected signature", async () => {
    const s = signed("bot.fatal", "msg_tampered");
    const compact = JSON.stringify(JSON.parse(s.body));
    assert.equal((await post(local, s.headers, compact)).status, 401);
    await page.locator('[data-msg="msg_tampered"]').click();
    const failed = page.locator(".check.fail");
    await failed.waitFor();
    assert.match(await failed.innerText(), /body changed/);
    const expected = signer.signature("msg_tampered", Number(s.headers["webhook-timestamp"]), compact).slice(3);
    assert.ok(!(await page.locator("body").innerText()).includes(expected));
  });

  it("renders a hostile payload as text: no element, no dialog", async () => {
    const evil = "<img src=x onerror=alert(1)>";
    const body = JSON.stringify({ event: evil, data: { bot: { id: "b0000000-0000-4000-8000-000000000001", metadata: { note: evil } }, data: { code: evil } } });
    assert.equal(await send(local, "bot.done", "msg_evil", { body }), 204);
    const row = page.locator('[data-msg="msg_evil"]');
    await row.waitFor();
    await row.click();
    await page.locator(".detail-head h2", { hasText: evil }).waitFor();
    assert.equal(await row.locator(".event").innerText(), evil);
    assert.equal(await page.locator("img").count(), 0);
  });

  it("the filter leaves only matching rows; - negates", async () => {
    assert.equal(await send(local, "bot.fatal", "msg_fatal_1"), 204);
    await page.locator('[data-msg="msg_fatal_1"]').waitFor();
    await page.keyboard.press("Escape");
    await page.keyboard.press("/");
    await page.keyboard.type("event:bot.fatal");
    await rowsMatch(page, '#list .row:not([data-event="bot.fatal"])', 0);
    assert.deepEqual((await msgs(page)).sort(), ["msg_fatal_1", "msg_tampered"]);
    await page.fill("#filter", "-verified:yes");
    await rowsMatch(page, "#list .row", 1);
    assert.deepEqual(await msgs(page), ["msg_tampered"]);
    await page.fill("#filter", "event:bot.* -event:bot.fatal sub:zoom_*");
    await rowsMatch(page, "#list .row", 0);
    await page.fill("#filter", "");
    await page.keyboard.press("Escape");
  });

  it("j and k move the selection", async () => {
    const rows = page.locator("#list .row");
    await page.locator("#list .row").nth(3).waitFor();
    await rows.first().click();
    const selected = (): Promise<string | null> => page.locator('#list .row[aria-selected="true"]').getAttribute("data-cursor");
    const first = await selected();
    await page.keyboard.press("j");
    const second = await selected();
    assert.notEqual(second, first);
    assert.equal(second, await rows.nth(1).getAttribute("data-cursor"));
    await page.keyboard.press("k");
    assert.equal(await selected(), first);
  });

  it("replay reaches the target with the same id, a fresh timestamp and a valid svix signature", async () => {
    const old = Math.floor(Date.now() / 1000) - 120;
    assert.equal(await send(local, "bot.in_waiting_room", "msg_replay", { timestamp: old }), 204);
    await page.locator('[data-msg="msg_replay"]').click();
    await page.locator("#replay-same").waitFor();
    const before = receiver.received.length;
    await page.locator("#replay-same").click();
    await page.locator("#result .ok").waitFor();
    const replayed = receiver.received.slice(before).find((r) => r.id === "msg_replay" && r.timestamp > old);
    assert.ok(replayed, "the target got the replay");
    assert.equal(replayed.verified, true);
    assert.equal(replayed.event, "bot.in_waiting_room");
  });

  it("edit and send arrives re-signed, marked modified; copy as curl is signed on the server", async () => {
    await page.locator('[data-msg="msg_replay"]').click();
    await page.locator("#edit").click();
    const edited = '{"event": "bot.in_waiting_room", "data": {"edited": true}}';
    await page.fill("#editor", edited);
    const before = receiver.received.length;
    await page.locator("#send-edited").click();
    await page.locator("#result", { hasText: "(modified)" }).waitFor();
    const got = receiver.received.slice(before).find((r) => r.text === edited);
    assert.ok(got, "the target got the edited body");
    assert.equal(got.verified, true);
    await page.locator("#copy-curl").click();
    const curl = await page.locator("#result pre").innerText();
    assert.match(curl, /^curl -sS -X POST/);
    assert.match(curl, /webhook-signature: v1,/);
    assert.ok(!curl.includes(secret.slice(6)));
  });

  it("refuses a foreign Host or Origin and a POST without the custom header (403)", async () => {
    const url = new URL(inspect);
    const json = { "content-type": "application/json", "x-recall-hooks": "1", origin: url.origin };
    assert.equal(await raw(inspect, "GET", { host: "evil.example" }), 403);
    assert.equal(await raw(`${inspect}api/stream`, "GET", { origin: "http://evil.example" }), 403);
    assert.equal(await raw(`${inspect}api/replay`, "POST", { ...json, origin: "http://evil.example" }, "{}"), 403);
    assert.equal(await raw(`${inspect}api/replay`, "POST", { "content-type": "application/json", origin: url.origin }, "{}"), 403);
    assert.equal(await raw(`${inspect}api/replay`, "POST", { ...json, "content-type": "text/plain" }, "{}"), 403);
    assert.equal(await raw(`${inspect}api/replay`, "POST", json, "{}"), 404);
    assert.equal(await raw(`${local}`, "GET", {}), 405);
  });

  it("made no request off its own origin, opened no dialog, threw nothing", () => {
    assert.deepEqual(problems, []);
  });
});

describe("inspector over the embedded simulate", () => {
  it("shows one bot's lane through to done, with --reorder's late flag", async () => {
    const sim = await spawnReady(["simulate", "lifecycle", "--speed", "0", "--reorder", "--seed", "3", "--inspect", "0", "--json"]);
    const { page, problems } = await open(sim.ready.inspect_url);
    try {
      await page.locator('#list .row[data-event="bot.done"]').waitFor();
      await page.keyboard.press("b");
      const lane = page.locator(".lane");
      await lane.locator('[data-code="done"]').waitFor();
      assert.equal(await lane.count(), 1);
      await lane.locator(".flag-late").waitFor();
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
      await sim.stop();
    }
  });
});

describe("inspector over the embedded simulate with real-time frames", () => {
  it("shows the bot's real-time lane: the transcript in order, raw audio counted", async () => {
    const sim = await spawnReady(["simulate", "lifecycle", "--speed", "0", "--realtime", "--raw-audio", "mixed", "--partials", "--inspect", "0", "--json"]);
    const { page, problems } = await open(sim.ready.inspect_url);
    try {
      await page.locator('#list .row[data-event="bot.done"]').waitFor();
      await page.keyboard.press("b");
      const lane = page.locator(".lane");
      // The socket's close comes after every frame of it is journaled: all of them are on the page then.
      await lane.locator(".conn.closed").waitFor();
      const frames = sim.lines.filter((l) => l["type"] === "frame");
      const said = frames.filter((f) => f["event"] === "transcript.data").map((f) => {
        const inner = (JSON.parse(String(f["body"])) as { data: { data: { participant: { name: string }; words: { text: string }[] } } }).data.data;
        return `${inner.participant.name}: ${inner.words.map((w) => w.text).join(" ")}`;
      });
      assert.ok(said.length > 2, "the run streamed a transcript");
      const shown = await lane.locator(".transcript .utt:not(.partial)").allTextContents();
      assert.deepEqual(shown, said);
      const audio = frames.filter((f) => f["event"] === "audio_mixed_raw.data").length;
      assert.ok(audio > 0, "the run streamed raw audio");
      assert.equal(await lane.locator('.conn .count[data-event="audio_mixed_raw.data"]').textContent(), `audio_mixed_raw.data ${audio}`);
      assert.equal(await lane.locator(".conn .frames").textContent().then((t) => t?.split(" ")[0]), String(frames.length));
      // Raw media streams as a counter: its records carry no body.
      assert.ok(frames.filter((f) => f["event"] === "audio_mixed_raw.data").every((f) => !("body" in f)));
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
      await sim.stop();
    }
  });
});

describe("inspect over a journal another listen writes", () => {
  /**
   * One delivery, then the page's stream is cut (`cut`: the relay drops it, or answers 503) and the
   * inspector stops; three deliveries arrive meanwhile; a new inspector takes over the page's address.
   * Every delivery must show exactly once.
   */
  async function throughAGap(prefix: string, cut: null | 503, shown: string): Promise<void> {
    const dir = mkdtempSync(join(tmpdir(), "rh-inspect-"));
    const journal = join(dir, "j.jsonl");
    const listen = await spawnReady(["listen", "--json", "--port", "0", "--inspect", "0", "--secret", secret, "--save", journal]);
    let inspector = await spawnReady(["inspect", journal, "--port", "0", "--json"]);
    // The page's address outlives the first inspector: the second one starts on a free port of its own.
    const relay = await startRelay();
    relay.to(inspector.ready.inspect_url);
    const { page, problems } = await open(relay.url);
    try {
      const local = String(listen.ready["local_url"]);
      assert.equal(await send(local, "bot.joining_call", `${prefix}_0`), 204);
      await page.locator(`[data-msg="${prefix}_0"]`).waitFor();
      relay.to(cut);
      await inspector.stop();
      await page.locator("#conn", { hasText: shown }).waitFor();
      for (const n of [1, 2, 3]) assert.equal(await send(local, "bot.in_waiting_room", `${prefix}_${n}`), 204);
      inspector = await spawnReady(["inspect", journal, "--port", "0", "--json"]);
      relay.to(inspector.ready.inspect_url);
      await page.locator(`[data-msg="${prefix}_3"]`).waitFor();
      await page.locator("#conn", { hasText: "connected" }).waitFor();
      for (const n of [0, 1, 2, 3]) assert.equal(await page.locator(`[data-msg="${prefix}_${n}"]`).count(), 1, `${prefix}_${n} once`);
      assert.equal(await page.locator("#list .row").count(), 4);
      assert.deepEqual(problems.filter((p) => !p.startsWith("pageerror")), []);
    } finally {
      await page.close();
      await relay.close();
      await inspector.stop();
      await listen.stop();
    }
  }

  it("after a reconnect, three deliveries sent during the gap show exactly once", () => throughAGap("msg_gap", null, "reconnecting"));

  // EventSource gives up for good on a non-200 answer: the page must open a new stream itself.
  it("after a stream answered 503, reopens from its last record: deliveries sent meanwhile show exactly once", () => throughAGap("msg_503", 503, "stream refused"));
});

describe("inspector beside emulate --inspect (the built binary)", () => {
  it("shows what the emulator sent: each webhook with the app's answer, and the real-time transcript", async () => {
    const app = await WebhookApp.start(secret);
    const emu = await spawnReady(["emulate", "--json", "--port", "0", "--speed", "0", "--secret", secret, "--webhook-to", app.url, "--inspect", "0"]);
    const { page, problems } = await open(emu.ready.inspect_url);
    try {
      const call = recallClient(String(emu.ready["url"]), String(emu.ready["api_key"]));
      const created = await call("POST", "/api/v1/bot/", {
        meeting_url: MEET,
        recording_config: { transcript: { provider: { recallai_streaming: {} } }, realtime_endpoints: [{ type: "webhook", url: `${app.url}?realtime=1`, events: ["transcript.data"] }] },
      });
      assert.equal(created.status, 201);
      const bot = String(created.json.id);
      await app.waitFor((h) => h.event === "bot.done" && h.botId === bot);
      const hooks = app.hooks.filter((h) => h.botId === bot);
      const webhooks = hooks.filter((h) => h.event !== "transcript.data");
      for (const h of webhooks) await page.locator(`#list .row[data-msg="${h.id}"]`).waitFor();
      // Each row's answer is the app's (a forward record once it answered): wait until every row has one.
      await rowsMatch(page, "#list .row:not(:has(.fwd.ok))", 0);
      // Signed by the emulator with the secret the inspector knows: every row verified; and each one reached the app.
      await rowsMatch(page, "#list .row:not(:has(.verdict.ok))", 0);
      const received = new Set(app.hooks.map((h) => h.id));
      assert.deepEqual((await msgs(page)).filter((id) => !received.has(id ?? "")), []);
      await page.keyboard.press("b");
      const said = hooks.filter((h) => h.event === "transcript.data").map((h) => {
        const inner = h.body.data["data"] as { participant: { name: string }; words: { text: string }[] };
        return `${inner.participant.name}: ${inner.words.map((w) => w.text).join(" ")}`;
      });
      assert.ok(said.length > 2, "the bot streamed a transcript");
      await rowsMatch(page, `.lane[data-bot="${bot}"] .transcript .utt`, said.length);
      assert.deepEqual(await page.locator(`.lane[data-bot="${bot}"] .transcript .utt`).allTextContents(), said);
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
      await emu.stop();
      await app.close();
    }
  });
});
