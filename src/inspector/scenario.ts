import type { Entry } from "./store.js";

/**
 * A bot's lifecycle as seen, written as a scenario file that `simulate lifecycle --scenario-file`
 * runs: its deliveries in arrival order (duplicates and refused ones left out), spaced as they arrived.
 */
export function botScenario(entries: readonly Entry[], botId: string): Record<string, unknown> {
  const seen = entries.filter((e) => e.record["type"] === "event" && e.record["bot_id"] === botId && e.record["duplicate"] !== true
    && typeof e.record["event"] === "string" && e.sub === 0);
  let previous: number | null = null;
  const steps = seen.map((e) => {
    const at = Date.parse(String(e.record["received_at"]));
    const delay = previous === null || Number.isNaN(at) ? 0 : Math.max(0, at - previous);
    previous = Number.isNaN(at) ? previous : at;
    const step: Record<string, unknown> = { event: e.record["event"], delay_ms: delay };
    if (e.record["sub_code"] != null) step["sub_code"] = e.record["sub_code"];
    return step;
  });
  return {
    name: `bot-${botId.slice(0, 8)}`,
    description: `the lifecycle of bot ${botId} as recall-hooks saw it`,
    recorded: seen.some((e) => e.record["event"] === "bot.in_call_recording"),
    steps,
  };
}
