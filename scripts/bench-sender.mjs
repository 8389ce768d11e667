// The least a sender can do for the bench's simulate figure, for comparison (scripts/bench-profile.mjs
// sender): 3,000 bots of 7 deliveries, 32 bots at a time, each delivery a distinct body, signed with
// HMAC-SHA256 when it is sent, sent with undici's dispatch(), and one NDJSON line written for it
// (a turn's lines in one write). No lifecycle plan, Recall-shaped body, retries, summary or records.
//   node scripts/bench-sender.mjs <url> <whsec_secret> > lines.ndjson
import { createHmac, randomUUID } from "node:crypto";
import { writeSync } from "node:fs";
import { Agent } from "undici";

const [url, secret] = process.argv.slice(2);
const { origin, pathname } = new URL(url);
const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
const EVENTS = ["bot.joining_call", "bot.in_waiting_room", "bot.in_call_not_recording", "bot.recording_permission_allowed", "bot.in_call_recording", "bot.call_ended", "bot.done"];
const agent = new Agent({ keepAliveTimeout: 4_000, connections: 64 });
let lines = [];
const flush = () => {
  writeSync(1, lines.join(""));
  lines = [];
};

const send = (headers, body) => new Promise((resolve, reject) => {
  let status = 0;
  agent.dispatch({ origin, path: pathname, method: "POST", headers, body, headersTimeout: 15_000, bodyTimeout: 15_000 }, {
    onConnect() {}, onHeaders(code) { status = code; return true; }, onData() { return true; }, onComplete() { resolve(status); }, onError: reject,
  });
});

let bots = 3_000;
const lane = async () => {
  while (bots > 0) {
    bots -= 1;
    const bot = randomUUID();
    for (const event of EVENTS) {
      const body = JSON.stringify({ event, data: { data: { code: event.slice(4), sub_code: null, updated_at: new Date().toISOString() }, bot: { id: bot, metadata: {} } } });
      const id = `msg_${randomUUID()}`;
      const timestamp = String(Math.floor(Date.now() / 1000));
      const signature = `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
      const started = performance.now();
      const status = await send({ "content-type": "application/json", "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": signature }, body);
      if (lines.length === 0) setImmediate(flush);
      lines.push(`${JSON.stringify({ type: "delivery", event, bot_id: bot, id, status, latency_ms: Math.round((performance.now() - started) * 10) / 10, sent_at: new Date().toISOString() })}\n`);
    }
  }
};
await Promise.all(Array.from({ length: 32 }, lane));
await agent.close();
