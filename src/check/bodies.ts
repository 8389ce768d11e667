import { buildEvent, type BuildEventOptions, type RecallEvent } from "../recall/build.js";
import { formatBody } from "../recall/body-format.js";
import { isoMicros } from "../recall/build-parts.js";

// The bodies the check sends. Every one says it is a test: bot ids start with TEST_BOT_PREFIX and
// the bot's metadata carries recall_hooks_check = "true" (legacy shapes have no metadata; their bot
// id says it). Bodies are compact JSON, which survives a parse-then-stringify round trip, so that
// only raw-body (spaced, escaped non-ASCII) catches a handler that verifies a re-serialised body.

/** Every bot id the check sends starts with this (a UUIDv4 shape no real bot has). */
export const TEST_BOT_PREFIX = "00000000-0000-4000-8000-";
export const TEST_METADATA: Readonly<Record<string, string>> = Object.freeze({ recall_hooks_check: "true" });
/** An event type no catalog has, standing for one Recall may add. */
export const FUTURE_EVENT = "bot.recall_hooks_check_future_event";
/** A sub code no catalog has. */
export const UNKNOWN_SUB_CODE = "recall_hooks_check_unknown_sub_code";
/** Roughly what large-body sends. */
export const LARGE_BODY_BYTES = 200 * 1024;

/** A test bot id from a UUID generator: the prefix and the generator's last 12 hex digits. */
export function testBotId(random: () => string): string {
  return TEST_BOT_PREFIX + random().replace(/-/g, "").slice(-12);
}

/** A catalog event for a test bot, with the test metadata. */
export function testEvent(type: string, random: () => string, options: BuildEventOptions = {}): RecallEvent {
  return buildEvent(type, { botId: testBotId(random), metadata: { ...TEST_METADATA }, random, ...options });
}

export function compact(event: RecallEvent): string {
  return formatBody(event, "compact");
}

/**
 * The raw-body check's body: Python-style spacing and a metadata value with non-ASCII characters
 * escaped (`\u00eb`), so `JSON.stringify(JSON.parse(body))` is different bytes; key order is kept.
 */
export function spacedBody(random: () => string, now: Date): string {
  const event = testEvent("bot.in_call_recording", random, { updatedAt: now, metadata: { ...TEST_METADATA, customer: "Zoë Ñúñez-Åström 👋" } });
  return formatBody(event, "spaced");
}

/** The same body with one character of the bot id changed: still JSON, no longer what was signed. */
export function tamper(body: string, botId: string): string {
  const at = body.indexOf(botId);
  if (at < 0) throw new Error("tamper: the bot id is not in the body");
  const last = at + botId.length - 1;
  const flipped = body[last] === "0" ? "1" : "0";
  return body.slice(0, last) + flipped + body.slice(last + 1);
}

/** A status event of a type no catalog has, shaped like Recall's status events. */
export function futureEvent(random: () => string, now: Date): RecallEvent {
  const code = FUTURE_EVENT.slice(FUTURE_EVENT.indexOf(".") + 1);
  return {
    event: FUTURE_EVENT,
    data: {
      data: { code, sub_code: null, updated_at: isoMicros(now) },
      bot: { id: testBotId(random), metadata: { ...TEST_METADATA } },
    },
  };
}

/** bot.call_ended with every nullable field null: sub_code, a metadata value; the recording's metadata empty. */
export function nullFieldsEvent(random: () => string, now: Date): RecallEvent {
  const event = testEvent("bot.call_ended", random, { updatedAt: now, subCode: null });
  const bot = event.data["bot"] as { metadata: Record<string, unknown> };
  bot.metadata = { ...TEST_METADATA, customer_id: null };
  event.data["recording"] = { id: random(), metadata: {} };
  return event;
}

/** transcript.done padded to about LARGE_BODY_BYTES through a metadata value. */
export function largeEvent(random: () => string, now: Date): RecallEvent {
  const event = testEvent("transcript.done", random, { updatedAt: now });
  const bot = event.data["bot"] as { metadata: Record<string, unknown> };
  const size = Buffer.byteLength(compact(event));
  bot.metadata = { ...TEST_METADATA, recall_hooks_check_padding: "x".repeat(Math.max(0, LARGE_BODY_BYTES - size - 40)) };
  return event;
}
