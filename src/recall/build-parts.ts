import { fillRandom, uuid } from "../webhook/crypto.js";
import { isoMs, isoString } from "../iso-time.js";

// Pieces shared by the payload builders: ids, timestamps, participants, resources.

export interface ParticipantOptions {
  /** Recall's participant ids are numbers (100, 200, ...); null is allowed by Recall's sample schema. */
  readonly id?: number | null;
  readonly name?: string;
  readonly isHost?: boolean | null;
  /** e.g. "desktop", "dial-in", "unknown" */
  readonly platform?: string;
  readonly email?: string | null;
  readonly extraData?: Record<string, unknown> | null;
}

export interface BuildEventOptions {
  readonly botId?: string;
  /** Overrides the status code (status shapes and bot.status_change; default: the event's own code). */
  readonly code?: string;
  /** Overrides the default sub code; null sends `"sub_code": null`. */
  readonly subCode?: string | null;
  /** The bot's custom metadata (other resources get `{}`). */
  readonly metadata?: Record<string, string>;
  /** Drives updated_at / created_at / timestamps; default: now. */
  readonly updatedAt?: Date;
  readonly recordingId?: string;
  /** Ids by resource key, e.g. { transcript: "...", realtime_endpoint: "...", calendar: "..." }. */
  readonly resourceIds?: Record<string, string>;
  readonly participant?: ParticipantOptions;
  /** Chat message or transcript text. */
  readonly text?: string;
  /** UUID generator; default a random v4 UUID. Pass a seeded one for stable fixtures. */
  readonly random?: () => string;
}

/** A Recall delivery body, ready for serializeEvent. */
export interface RecallEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Everything a shape builder needs, resolved once. */
export interface BuildContext {
  readonly type: string;
  readonly options: BuildEventOptions;
  readonly now: Date;
  /** The id for a resource key; generated once per key and then reused. */
  id(key: string): string;
}

export function createContext(type: string, options: BuildEventOptions): BuildContext {
  const random = options.random ?? uuid;
  const cache = new Map<string, string>();
  return {
    type,
    options,
    now: options.updatedAt ?? new Date(),
    id(key: string): string {
      let value = cache.get(key);
      if (value === undefined) {
        value = options.resourceIds?.[key] ?? presetId(key, options) ?? random();
        cache.set(key, value);
      }
      return value;
    },
  };
}

function presetId(key: string, options: BuildEventOptions): string | undefined {
  if (key === "bot") return options.botId;
  if (key === "recording") return options.recordingId;
  return undefined;
}

/** `2024-12-04T23:25:56.339000Z`: Recall sends six fractional digits; a Date holds three. */
export function isoMicros(date: Date): string {
  return `${isoMs(date.getTime()).slice(0, -1)}000Z`;
}

/** The v1.10 style, `2024-03-10T19:16:16.339000+00:00`. */
export function isoMicrosOffset(date: Date): string {
  return `${isoMs(date.getTime()).slice(0, -1)}000+00:00`;
}

/**
 * The bot metadata of generated lifecycles (simulate, sign --event) when none is given: a name with
 * a non-ASCII letter, so the default body carries a `\u00eb` escape (Python's ensure_ascii) that
 * JSON.stringify would write back as "ë".
 */
export const SAMPLE_METADATA: Readonly<Record<string, string>> = Object.freeze({ host_name: "Zoë Ødegaard" });

/** `{key: {id, metadata}}` for each key in order; the bot carries the custom metadata. */
export function resourceEntries(ctx: BuildContext, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    out[key] = { id: ctx.id(key), metadata: key === "bot" ? { ...ctx.options.metadata } : {} };
  }
  return out;
}

export function participantBody(ctx: BuildContext, withEmail: boolean): Record<string, unknown> {
  const p = ctx.options.participant ?? {};
  const body: Record<string, unknown> = {
    id: p.id === undefined ? 100 : p.id,
    name: p.name ?? "Ada Lovelace",
    is_host: p.isHost === undefined ? true : p.isHost,
    platform: p.platform ?? "desktop",
    extra_data: p.extraData === undefined ? {} : p.extraData,
  };
  if (withEmail) body["email"] = p.email === undefined ? null : p.email;
  return body;
}

/** A real-time timestamp: absolute ISO time and seconds since the recording started. */
export function timestampBody(ctx: BuildContext, relative: number): Record<string, unknown> {
  return { absolute: isoString(ctx.now), relative };
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Random bytes drawn in blocks: one call into the crypto library per id cost simulate 5 us a message. */
const randomBlock = new Uint8Array(4096);
let randomAt = randomBlock.length;

function randomByte(): number {
  if (randomAt === randomBlock.length) {
    // node:crypto's (or /dev/urandom's), not the global Web Crypto one: that loads webcrypto (about 3 ms at start-up).
    fillRandom(randomBlock);
    randomAt = 0;
  }
  return randomBlock[randomAt++]!;
}

/** A Svix-style message id: `msg_` and 27 base62 characters. */
export function newMessageId(): string {
  let out = "msg_";
  while (out.length < 31) {
    const byte = randomByte();
    // 248 = 4 * 62: rejecting the rest keeps every character equally likely.
    if (byte < 248) out += BASE62[byte % 62];
  }
  return out;
}
