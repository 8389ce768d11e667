import { newMessageId } from "../recall/build.js";
import { matchesAny } from "../recall/catalog.js";
import { type HeaderChoice, stripHopByHop } from "../webhook/headers.js";
import type { ParsedSecret } from "../webhook/secret.js";
import { Signer } from "../webhook/sign.js";
import { type Lane, type Outgoing, type SendOptions, sendLanes } from "./engine.js";
import type { ReplayEntry } from "../deliveries/replay-read.js";
import type { RunReport } from "./report.js";

export type { ReplayEntry } from "../deliveries/replay-read.js";
export { readReplayEntries } from "../deliveries/replay-read.js";

export interface ReplaySelection {
  /** Event type globs; an entry whose body names no event never matches. */
  readonly events?: readonly string[];
  /** Only journal entries whose forward failed or never happened. */
  readonly onlyFailed?: boolean;
}

export interface ReplayOptions extends Omit<SendOptions, "signer" | "url" | "headers"> {
  readonly to: string | URL;
  /** Re-signs each delivery at send time; not needed with `raw`. */
  readonly secret?: string | ParsedSecret | Signer;
  /** A new message id for every delivery; default: keep the captured id. */
  readonly newId?: boolean;
  /** Send the captured headers untouched, unsigned. */
  readonly raw?: boolean;
  /** Keep the original spacing (from received_at), one after the other. */
  readonly realtime?: boolean;
  /**
   * Divides the waits: the realtime spacing and Svix's retry schedule (5 s, 5 min, ...). Default 1,
   * Svix's own pace; 0 sends and retries at once.
   */
  readonly speed?: number;
  /** Signature header family; default: the captured one, else webhook. */
  readonly headers?: HeaderChoice;
}

export function selectEntries(entries: readonly ReplayEntry[], selection: ReplaySelection): ReplayEntry[] {
  const events = selection.events ?? [];
  return entries.filter((e) =>
    (events.length === 0 || (e.event !== null && matchesAny(e.event, events))) &&
    (!selection.onlyFailed || e.forwardFailed === true));
}

/** The lanes to send: one per entry, or with `realtime` one lane spaced like the original. */
export function replayLanes(entries: readonly ReplayEntry[], options: Pick<ReplayOptions, "newId" | "raw" | "realtime" | "headers">): Lane[] {
  const outgoing = entries.map((entry, i): Outgoing => {
    const previous = i > 0 ? entries[i - 1]!.receivedAt : null;
    const gap = options.realtime && previous !== null && entry.receivedAt !== null ? Math.max(0, entry.receivedAt - previous) : 0;
    const family = options.headers ?? entry.family ?? "webhook";
    return {
      event: entry.event ?? "(not a Recall event)",
      id: options.newId || entry.id === null ? newMessageId() : entry.id,
      body: entry.body,
      delayMs: gap,
      duplicate: entry.duplicate,
      bot: entry.botId,
      headers: family,
      ...(options.raw && entry.headers !== null && { rawHeaders: rawHeaders(entry) }),
    };
  });
  if (options.realtime) return [{ name: "replay", plan: () => outgoing }];
  return outgoing.map((message, i) => ({ name: entries[i]!.label, plan: () => [message] }));
}

/**
 * The captured headers a raw replay sends. A capture without content-type (a hand-written one, or a
 * proxy that dropped it) would reach a handler that picks its body parser by content-type as an
 * unparsed body, so a JSON body gets the type Recall sends with it.
 */
function rawHeaders(entry: ReplayEntry): Record<string, string | string[]> {
  const headers = stripHopByHop(entry.headers ?? {});
  if (Object.keys(headers).some((name) => name.toLowerCase() === "content-type") || !isJson(entry.body)) return headers;
  return { ...headers, "content-type": "application/json" };
}

function isJson(body: Buffer): boolean {
  try {
    JSON.parse(body.toString("utf8"));
    return true;
  } catch {
    return false;
  }
}

/**
 * Sends captured or fixture deliveries to an endpoint, signed again at send time with the original
 * ids (unless `newId`), or with their captured headers untouched (`raw`).
 */
export async function replay(entries: readonly ReplayEntry[], options: ReplayOptions): Promise<RunReport> {
  if (options.raw && entries.some((e) => e.headers === null)) {
    throw new RangeError("raw replay needs captured headers, and some entries are bare bodies");
  }
  if (!options.raw && options.secret === undefined) throw new RangeError("replay needs a secret to sign with, or raw");
  const signer = options.secret === undefined ? undefined : options.secret instanceof Signer ? options.secret : new Signer(options.secret);
  const lanes = replayLanes(entries, options);
  const { headers: _family, ...rest } = options;
  // Speed divides every wait: the realtime spacing (lanes without it have none) and Svix's retry schedule.
  return sendLanes(lanes, { ...rest, url: options.to, speed: options.speed ?? 1, ...(signer && { signer }) });
}
