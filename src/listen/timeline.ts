import { isOutOfOrder, parseTimestamp, type StatusPoint } from "../recall/lifecycle.js";
import { isBotStatus } from "../recall/parse.js";
import type { ParsedEvent } from "../recall/types.js";

/**
 * What the listener remembers between deliveries: which message ids it has seen (to mark
 * duplicates) and each bot's latest status (to flag out-of-order ones). Both are bounded, oldest
 * forgotten first, so a listener that runs for days keeps a flat memory profile.
 */
/**
 * The first key of a Set or Map that only loses its oldest entries (or moves entries to the end),
 * found with one live iterator kept across calls. A fresh `keys().next()` walks over every entry
 * deleted so far, until V8 compacts the table: once 20k ids had been seen, that cost the listener
 * about 12 us per delivery (npm run bench).
 */
class Oldest<K> {
  #keys: Iterator<K> | null = null;

  constructor(readonly collection: { keys(): Iterator<K> }) {}

  next(): K | undefined {
    let step = (this.#keys ??= this.collection.keys()).next();
    // An iterator that ran off the end stays done: start again from the first entry.
    if (step.done) step = (this.#keys = this.collection.keys()).next();
    return step.done ? undefined : step.value;
  }
}

export class Timeline {
  readonly #ids = new Set<string>();
  readonly #forwarded = new Set<string>();
  readonly #bots = new Map<string, StatusPoint & { readonly sequence: string[] }>();
  readonly #oldestId = new Oldest(this.#ids);
  readonly #oldestForwarded = new Oldest(this.#forwarded);
  readonly #oldestBot = new Oldest(this.#bots);
  readonly #maxIds: number;
  readonly #maxBots: number;

  constructor(limits: { maxIds?: number; maxBots?: number } = {}) {
    this.#maxIds = limits.maxIds ?? 20_000;
    this.#maxBots = limits.maxBots ?? 5_000;
  }

  /** Records the id; true when it was seen before. */
  markSeen(id: string): boolean {
    if (this.#ids.has(id)) return true;
    this.#ids.add(id);
    if (this.#ids.size > this.#maxIds) this.#ids.delete(this.#oldestId.next()!);
    return false;
  }

  /** Records that the delivery with this id reached its target (for --pass-through). */
  markForwarded(id: string): void {
    this.#forwarded.add(id);
    if (this.#forwarded.size > this.#maxIds) this.#forwarded.delete(this.#oldestForwarded.next()!);
  }

  wasForwarded(id: string): boolean {
    return this.#forwarded.has(id);
  }

  /** Forgets an id (its delivery could not be kept, so a retry is not a duplicate). */
  forget(id: string): void {
    this.#ids.delete(id);
  }

  /**
   * Adds a status to the bot's timeline; returns the status it came after when it arrived out of
   * order (older, or a step back in the lifecycle), else null. An out-of-order status does not
   * replace the bot's latest one.
   */
  observe(botId: string, point: StatusPoint): string | null {
    const previous = this.#bots.get(botId);
    // Parsed once: it is the previous one's time for the bot's next status (npm run bench).
    const at = parseTimestamp(point.updatedAt);
    if (previous && isOutOfOrder(previous, { code: point.code, updatedAt: point.updatedAt, at })) {
      if (previous.sequence.length < 64) previous.sequence.push(point.code);
      return previous.code;
    }
    const sequence = previous?.sequence ?? [];
    if (sequence.length < 64) sequence.push(point.code);
    this.#bots.delete(botId);
    this.#bots.set(botId, { code: point.code, updatedAt: point.updatedAt, at, sequence });
    if (this.#bots.size > this.#maxBots) this.#bots.delete(this.#oldestBot.next()!);
    return null;
  }

  /**
   * A delivery's place in its bot's timeline: a bot status that is not a duplicate is observed, and
   * the status it arrived after is returned when out of order; anything else is null.
   */
  observeDelivery(p: ParsedEvent, duplicate: boolean): string | null {
    if (duplicate || p.botId === null || p.code === null || !isBotStatus(p)) return null;
    return this.observe(p.botId, { code: p.code, updatedAt: p.updatedAt });
  }

  /** The statuses seen for a bot, in arrival order. */
  sequenceOf(botId: string): readonly string[] {
    return this.#bots.get(botId)?.sequence ?? [];
  }
}
