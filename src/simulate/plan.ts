import { randomUUID } from "node:crypto";
import { buildEvent, newMessageId, serializeEvent } from "../recall/build.js";
import type { BodyFormat } from "../recall/body-format.js";
import type { ScenarioStep } from "../recall/scenarios.js";
import { addDuplicates, reorderNeighbours } from "./chaos.js";
import type { Outgoing } from "./engine.js";

export interface BotPlanOptions {
  readonly steps: readonly ScenarioStep[];
  readonly botId: string;
  readonly metadata?: Record<string, string>;
  /** When the lifecycle starts, epoch ms: the first updated_at. */
  readonly startMs: number;
  /** The send speed, so updated_at tracks the real send time (0: one millisecond per step). */
  readonly speed: number;
  readonly duplicates?: number;
  readonly reorder?: boolean;
  /** How each body is written; default spaced. */
  readonly bodyFormat?: BodyFormat;
  readonly random: () => number;
  readonly newId?: () => string;
  readonly uuid?: () => string;
  /** The recording's id (default a new UUID), so a real-time stream can carry the same one. */
  readonly recordingId?: string;
  /** Extra fields for the message of step `index` (real-time hooks), before any chaos. */
  readonly decorate?: (index: number) => Pick<Outgoing, "before" | "after">;
}

/**
 * One bot's deliveries: a body per step with one bot id, one recording id and the bot's metadata
 * throughout, updated_at advancing with the schedule, and a message id each; then the chaos asked for.
 */
export function planBot(options: BotPlanOptions): Outgoing[] {
  const uuid = options.uuid ?? randomUUID;
  const newId = options.newId ?? newMessageId;
  const recordingId = options.recordingId ?? uuid();
  let offset = 0;
  const planned = options.steps.map((step, index): Outgoing => {
    offset += options.speed > 0 ? step.delayMs / options.speed : index === 0 ? 0 : 1;
    const event = buildEvent(step.event, {
      botId: options.botId,
      recordingId,
      metadata: { ...options.metadata },
      updatedAt: new Date(options.startMs + offset),
      random: uuid,
      ...(step.subCode !== undefined && { subCode: step.subCode }),
    });
    return { event: step.event, id: newId(), body: serializeEvent(event, options.bodyFormat), delayMs: step.delayMs, duplicate: false, bot: options.botId, ...options.decorate?.(index) };
  });
  const reordered = options.reorder ? reorderNeighbours(planned, options.random) : planned;
  return options.duplicates ? addDuplicates(reordered, options.duplicates, options.random) : reordered;
}
