import { readBotFilter, matchesFilter } from "../store.js";
import { botView } from "../views.js";
import { ApiError, notFound, stateError } from "./errors.js";
import { RATE_LIMITS } from "./limits.js";
import { pageOf } from "./pagination.js";
import { json, type Route, WARNING_HEADER } from "./router.js";

// /api/v1/bot/...: create, list, retrieve, update, delete, and the bot commands.

const ID = "([0-9a-fA-F-]{36})";
const workspace = { key: "create-or-list", limit: RATE_LIMITS.createOrList };
const command = { key: "bot-command", limit: RATE_LIMITS.botCommand };

const action = (name: string, run: Route["handle"]): Route => ({
  method: "POST", pattern: new RegExp(`^/api/v1/bot/${ID}/${name}$`), bucket: () => command, handle: run,
});

export const BOT_ROUTES: readonly Route[] = [
  {
    method: "POST", pattern: /^\/api\/v1\/bot$/, bucket: () => workspace, create: true,
    handle: (req, _p, ctx) => {
      const { bot, localUrls } = ctx.bots.create(req.body);
      const reply = json(201, botView(ctx.base, bot));
      return localUrls.length === 0 ? reply : { ...reply, headers: { [WARNING_HEADER]: `Recall's WAF answers 403 to a payload holding a localhost URL (${localUrls.join(", ")}): use a public URL (a tunnel) in production.` } };
    },
  },
  {
    method: "GET", pattern: /^\/api\/v1\/bot$/, bucket: () => workspace,
    handle: (req, _p, ctx) => {
      const filter = readBotFilter(req.url.searchParams);
      const bots = [...ctx.store.all()].filter((b) => matchesFilter(b, filter));
      const page = pageOf(bots, req.url);
      if (page === null) throw notFound();
      return json(200, { ...page, results: page.results.map((b) => botView(ctx.base, b)) });
    },
  },
  { method: "GET", pattern: new RegExp(`^/api/v1/bot/${ID}$`), bucket: () => command, handle: (_r, [id], ctx) => json(200, botView(ctx.base, ctx.bots.get(id!))) },
  { method: "PATCH", pattern: new RegExp(`^/api/v1/bot/${ID}$`), bucket: () => command, handle: (req, [id], ctx) => json(200, botView(ctx.base, ctx.bots.update(id!, req.body))) },
  {
    method: "DELETE", pattern: new RegExp(`^/api/v1/bot/${ID}$`), bucket: () => command,
    handle: (_r, [id], ctx) => {
      if (ctx.bots.remove(id!)) return { status: 204 };
      throw new ApiError(405, { detail: "Only scheduled bots more than 10 minutes before join_at can be deleted: call leave_call instead." }, { allow: "GET, PATCH" });
    },
  },
  action("leave_call", (_r, [id], ctx) => json(200, botView(ctx.base, ctx.bots.leaveCall(id!)))),
  action("delete_media", (_r, [id], ctx) => json(200, botView(ctx.base, ctx.bots.deleteMedia(id!)))),
  action("start_recording", (_r, [id], ctx) => json(200, botView(ctx.base, ctx.bots.recordingCommand(id!, "start")))),
  action("stop_recording", (_r, [id], ctx) => json(200, botView(ctx.base, ctx.bots.recordingCommand(id!, "stop")))),
  action("pause_recording", (_r, [id], ctx) => json(200, botView(ctx.base, ctx.bots.recordingCommand(id!, "pause")))),
  action("resume_recording", (_r, [id], ctx) => json(200, botView(ctx.base, ctx.bots.recordingCommand(id!, "resume")))),
  action("send_chat_message", (req, [id], ctx) => {
    const bot = ctx.bots.sendChat(id!, req.body);
    if (bot.platform !== "zoom" && typeof (req.body as { to?: unknown }).to === "string" && (req.body as { to: string }).to !== "everyone") {
      throw stateError("unsupported_chat_recipient", "Sending a chat message to someone other than everyone works on Zoom only.");
    }
    return json(200, botView(ctx.base, bot));
  }),
];
