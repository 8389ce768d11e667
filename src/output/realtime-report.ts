import type { EndpointSummary, RealtimeEvent } from "../realtime/endpoint.js";
import type { BotRealtime } from "../realtime/simulate-realtime.js";
import { formatMs } from "./format.js";
import { snakeKeys } from "./records.js";
import { neutralize } from "./sanitize.js";
import type { Style } from "./style.js";

// What simulate reports of its real-time streams: each retry, reconnection and failed endpoint as
// it happens (frames that went through are counted, not listed), then a tally per endpoint.

/** A bot id's first 8 characters; a journal's connection (`<run>:ws3`) in full. */
function label(id: string): string {
  return neutralize(id.includes(":") ? id : id.slice(0, 8));
}

export function renderRealtimeEvent(event: RealtimeEvent, bot: string, style: Style): string[] {
  const who = style.cyan(label(bot));
  const url = neutralize(event.endpoint);
  switch (event.type) {
    case "attempt": {
      const answer = event.status !== null ? `answered ${event.status}` : neutralize(event.message ?? event.error ?? "no answer");
      const next = event.retryInMs !== null ? style.yellow(`retry ${event.attempt} of 60 in ${formatMs(event.retryInMs)}`) : style.red("no retries left");
      return [`  ${who}  ${style.red("✗")} ${neutralize(event.event)} -> ${url} ${answer} (attempt ${event.attempt})  ${next}`];
    }
    case "connect": {
      if (event.ok) return event.reconnect ? [`  ${who}  ${style.green("✓")} reconnected to ${url} (attempt ${event.attempt})`] : [];
      const next = event.retryInMs !== null ? style.yellow(`reconnecting in ${formatMs(event.retryInMs)}`) : style.red("no reconnections left");
      return [`  ${who}  ${style.red("✗")} WebSocket ${url}: ${neutralize(event.message ?? "failed")} (${event.reconnect ? "reconnection" : "connection"} ${event.attempt})  ${next}`];
    }
    case "disconnect":
      return [`  ${who}  ${style.yellow("!")} WebSocket ${url} dropped (${event.code}${event.reason ? ` ${neutralize(event.reason)}` : ""}): reconnecting as Recall does, up to 30 times`];
    case "endpoint_failed":
      return [`  ${who}  ${style.red("✗ endpoint failed:")} ${url}: ${neutralize(event.message)}`];
  }
}

export function realtimeEventJson(event: RealtimeEvent, bot: string): Record<string, unknown> {
  const { type, ...rest } = event;
  return { type: `realtime_${type}`, bot_id: bot, ...snakeKeys(rest) };
}

/** A tally line per bot and endpoint. */
export function renderRealtimeSummary(bots: readonly BotRealtime[], style: Style): string[] {
  if (bots.length === 0) return [];
  return ["", style.bold("real-time"), ...bots.flatMap((bot) => renderEndpointTallies(bot, style))];
}

/** One bot's tally lines (the emulator prints them as each bot's stream ends). */
export function renderEndpointTallies(bot: BotRealtime, style: Style): string[] {
  return bot.endpoints.map((e) => {
    const parts = [`${e.frames} frames`];
    if (e.transport === "websocket") parts.push(`${e.connections} connection${e.connections === 1 ? "" : "s"}${e.drops ? `, ${e.drops} dropped` : ""}`);
    else if (e.retries) parts.push(`${e.retries} retries`);
    if (e.lost) parts.push(style.red(`${e.lost} lost`));
    const state = e.failed ? style.red("failed") : e.lost ? style.yellow("incomplete") : style.green("ok");
    return `  ${style.cyan(label(bot.botId))}  ${neutralize(e.url)} (${e.transport})  ${parts.join(", ")}  ${state}`;
  });
}

export function realtimeSummaryJson(bots: readonly BotRealtime[]): Record<string, unknown>[] {
  return bots.flatMap((bot) => bot.endpoints.map((e: EndpointSummary) => ({ type: "realtime", bot_id: bot.botId, ...snakeKeys({ ...e }) })));
}

/** Every endpoint got every frame. */
export function realtimeOk(bots: readonly BotRealtime[]): boolean {
  return bots.every((b) => b.endpoints.every((e) => !e.failed && e.lost === 0));
}
