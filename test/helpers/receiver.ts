import { canFollow } from "../../src/recall/lifecycle.js";
import { type Captured, CaptureServer } from "./capture-server.js";

export type Received = Captured;
export type Receiver = CaptureServer;

/**
 * A handler like a user's: verifies with svix's own Webhook.verify (real clock, 5 minute window),
 * answers 401 when that fails (unless `enforce` is false), else whatever `answer` says (default 204).
 */
export function startReceiver(secret: string, answer: (r: Received, index: number) => number = () => 204, enforce = true): Promise<CaptureServer> {
  return CaptureServer.start({ secret, enforce }, answer);
}

/** Every failure of the status graph in a list of bot codes; empty when the walk is legal and ends in done or fatal. */
export function graphProblems(codes: readonly string[]): string[] {
  const problems: string[] = [];
  if (codes[0] !== "joining_call") problems.push(`starts with ${codes[0]}`);
  for (let i = 1; i < codes.length; i += 1) {
    if (canFollow(codes[i - 1]!, codes[i]!) !== true) problems.push(`${codes[i - 1]} -> ${codes[i]}`);
  }
  const last = codes.at(-1);
  if (last !== "done" && last !== "fatal") problems.push(`ends in ${last}`);
  return problems;
}

/** The bot status codes received per bot, in arrival order. */
export function codesByBot(received: readonly Received[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of received) {
    if (!r.event.startsWith("bot.") || r.botId === null || r.code === null) continue;
    const list = out.get(r.botId) ?? [];
    list.push(r.code);
    out.set(r.botId, list);
  }
  return out;
}
