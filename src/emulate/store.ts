import { type BotState, isFinished, lastAt, type MediaState, type RecordingState } from "./state.js";

// Every bot the emulator knows, with lookups for recordings, media and transcripts, the List Bots
// filters, and eviction of finished bots so a long run keeps bounded memory.

export interface MediaHit {
  readonly bot: BotState;
  readonly recording: RecordingState;
  readonly media: MediaState;
}

export interface StoreLimits {
  /** Finished bots kept in memory; the oldest beyond it are evicted. Default 10,000. */
  readonly maxFinished?: number;
  /** A finished bot younger than this (meeting time since its last status) is never evicted. Default an hour. */
  readonly minAgeMs?: number;
}

export class BotStore {
  readonly #bots = new Map<string, BotState>();
  readonly #limits: Required<StoreLimits>;
  #finished = 0;

  constructor(limits: StoreLimits = {}) {
    this.#limits = { maxFinished: limits.maxFinished ?? 10_000, minAgeMs: limits.minAgeMs ?? 3_600_000 };
  }

  get size(): number {
    return this.#bots.size;
  }

  add(bot: BotState): void {
    this.#bots.set(bot.id, bot);
    if (isFinished(bot)) this.#finished += 1;
  }

  get(id: string): BotState | undefined {
    return this.#bots.get(id);
  }

  delete(id: string): boolean {
    const bot = this.#bots.get(id);
    if (bot !== undefined && isFinished(bot)) this.#finished -= 1;
    return this.#bots.delete(id);
  }

  clear(): void {
    this.#bots.clear();
    this.#finished = 0;
  }

  /** Bots in creation order. */
  all(): IterableIterator<BotState> {
    return this.#bots.values();
  }

  /** Call when a bot reaches done or fatal: counts it, and evicts old finished bots past the limit. */
  finished(now: number): string[] {
    this.#finished += 1;
    const evicted: string[] = [];
    if (this.#finished <= this.#limits.maxFinished) return evicted;
    for (const bot of this.#bots.values()) {
      if (this.#finished <= this.#limits.maxFinished) break;
      if (!isFinished(bot) || now - lastAt(bot) < this.#limits.minAgeMs) continue;
      this.#bots.delete(bot.id);
      this.#finished -= 1;
      evicted.push(bot.id);
    }
    return evicted;
  }

  findRecording(id: string): { bot: BotState; recording: RecordingState } | undefined {
    for (const bot of this.#bots.values()) {
      const recording = bot.recordings.find((r) => r.id === id);
      if (recording !== undefined) return { bot, recording };
    }
    return undefined;
  }

  /** A media object or transcript by id, optionally of one kind. */
  findMedia(id: string, kind?: string): MediaHit | undefined {
    for (const bot of this.#bots.values()) {
      for (const recording of bot.recordings) {
        const media = recording.media.find((m) => m.id === id) ?? recording.transcripts.find((m) => m.id === id);
        if (media !== undefined && (kind === undefined || media.kind === kind)) return { bot, recording, media };
      }
    }
    return undefined;
  }

  /** Every recording, in bot creation order. */
  *recordings(): Generator<{ bot: BotState; recording: RecordingState }> {
    for (const bot of this.#bots.values()) for (const recording of bot.recordings) yield { bot, recording };
  }
}

export interface BotFilter {
  readonly status: readonly string[];
  readonly platform: readonly string[];
  readonly meetingUrl: string | null;
  readonly joinAtAfter: number | null;
  readonly joinAtBefore: number | null;
  readonly metadata: ReadonlyArray<readonly [string, string]>;
}

/** The List Bots filters of a query string. */
export function readBotFilter(query: URLSearchParams): BotFilter {
  const time = (name: string): number | null => {
    const value = query.get(name);
    return value === null ? null : Date.parse(value);
  };
  const metadata: Array<[string, string]> = [];
  for (const [key, value] of query) if (key.startsWith("metadata__")) metadata.push([key.slice("metadata__".length), value]);
  return {
    status: query.getAll("status").flatMap((s) => s.split(",")).filter(Boolean),
    platform: query.getAll("platform").flatMap((s) => s.split(",")).filter(Boolean),
    meetingUrl: query.get("meeting_url"),
    joinAtAfter: time("join_at_after"),
    joinAtBefore: time("join_at_before"),
    metadata,
  };
}

export function matchesFilter(bot: BotState, filter: BotFilter): boolean {
  const code = bot.statusChanges.at(-1)?.code ?? "ready";
  if (filter.status.length > 0 && !filter.status.includes(code)) return false;
  if (filter.platform.length > 0 && !filter.platform.includes(bot.platform)) return false;
  if (filter.meetingUrl !== null && filter.meetingUrl !== bot.meetingUrlText) return false;
  const joinAt = Date.parse(String(bot.config["join_at"] ?? ""));
  if (filter.joinAtAfter !== null && !(joinAt >= filter.joinAtAfter)) return false;
  if (filter.joinAtBefore !== null && !(joinAt <= filter.joinAtBefore)) return false;
  const metadata = (bot.config["metadata"] ?? {}) as Record<string, string>;
  return filter.metadata.every(([key, value]) => metadata[key] === value);
}
