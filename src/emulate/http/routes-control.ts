import { isObject } from "../../json.js";
import { currentCode } from "../state.js";
import { fieldErrors } from "./errors.js";
import { json, type Route } from "./router.js";

// /_emulator/...: the control API (no auth; the emulator binds 127.0.0.1). Reset, push a bot to a
// status, list bots and deliveries. `recall-hooks emulate ctl` calls these.

const ID = "([0-9a-fA-F-]{36})";

export const CONTROL_ROUTES: readonly Route[] = [
  { method: "POST", pattern: /^\/_emulator\/reset$/, handle: (_r, _p, ctx) => { ctx.reset(); return json(200, { reset: true }); } },
  {
    method: "POST", pattern: new RegExp(`^/_emulator/bot/${ID}/status$`),
    handle: (req, [id], ctx) => {
      const body = req.body;
      if (!isObject(body) || typeof body["code"] !== "string" || body["code"] === "") throw fieldErrors({ code: ["This field is required: a bot status code such as call_ended or fatal."] });
      const subCode = typeof body["sub_code"] === "string" ? body["sub_code"] : null;
      const bot = ctx.bots.push(id!, body["code"], subCode);
      return json(200, { id: bot.id, status: currentCode(bot) });
    },
  },
  {
    method: "GET", pattern: /^\/_emulator\/bots$/,
    handle: (_r, _p, ctx) => json(200, [...ctx.store.all()].map((b) => ({
      id: b.id, status: currentCode(b), scenario: b.subCode === null ? b.scenario : `${b.scenario}:${b.subCode}`, platform: b.platform,
      metadata: b.config["metadata"] ?? {},
    }))),
  },
  {
    method: "GET", pattern: /^\/_emulator\/deliveries$/,
    handle: (req, _p, ctx) => {
      const bot = req.url.searchParams.get("bot_id");
      const event = req.url.searchParams.get("event");
      const list = ctx.outbox.deliveries().filter((d) => (bot === null || d.bot === bot) && (event === null || d.event === event));
      return json(200, list.map((d) => ({
        id: d.id, event: d.event, bot_id: d.bot, url: d.url, attempt: d.attempt, duplicate: d.duplicate, status: d.status, ok: d.ok,
        latency_ms: Math.round(d.latencyMs * 10) / 10, error: d.errorMessage, will_retry: d.willRetry, sent_at: new Date(d.sentAt).toISOString(),
      })));
    },
  },
];
