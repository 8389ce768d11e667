// Recall delivers at least once and only roughly in order. These pure transforms put that into a
// bot's planned deliveries, driven by a seeded random source so a run can be repeated exactly.

/** Something scheduled in a bot's lane: a wait before it, and whether it repeats an earlier id. */
export interface Schedulable {
  readonly delayMs: number;
  readonly duplicate: boolean;
}

/** mulberry32: a small, fast, seedable generator; numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How long after the original Svix's at-least-once delivery repeats a message, at speed 1. */
export const DUPLICATE_DELAY_MS = 1_000;

/**
 * Each item is repeated right after itself with probability `rate` (0..1), marked `duplicate`.
 * The copy keeps everything else, the message id included: that is what a duplicate is.
 */
export function addDuplicates<T extends Schedulable>(items: readonly T[], rate: number, random: () => number): T[] {
  if (!(rate >= 0 && rate <= 1)) throw new RangeError(`duplicate rate must be from 0 to 1, not ${rate}`);
  const out: T[] = [];
  for (const item of items) {
    out.push(item);
    if (rate > 0 && random() < rate) out.push({ ...item, delayMs: DUPLICATE_DELAY_MS, duplicate: true });
  }
  return out;
}

/**
 * Swaps one pair of neighbouring deliveries, picked at random. Each keeps its own content (and so its
 * updated_at); only the send order changes, while the waits stay in place. Fewer than two: unchanged.
 */
export function reorderNeighbours<T extends Schedulable>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  if (out.length < 2) return out;
  const i = Math.min(out.length - 2, Math.floor(random() * (out.length - 1)));
  const first = out[i]!;
  const second = out[i + 1]!;
  out[i] = { ...second, delayMs: first.delayMs };
  out[i + 1] = { ...first, delayMs: second.delayMs };
  return out;
}
