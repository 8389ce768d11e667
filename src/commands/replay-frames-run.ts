import { UsageError } from "../errors.js";
import type { Reporter } from "../output/reporter.js";
import { matchesAny, splitPatterns } from "../recall/catalog.js";
import { Signer } from "../webhook/sign.js";
import type { CommandContext } from "./context.js";
import { interruptSignal } from "./delivery-report.js";
import { readInput, requireSecret } from "./options.js";
import type { ReplayCommandOptions } from "./replay-run.js";

/** `replay <journal> --to ws://...`: the journal's WebSocket frames, re-streamed. */
export async function runFrameReplay(inputs: readonly string[], options: ReplayCommandOptions, ctx: CommandContext, reporter: Reporter): Promise<number> {
  let url: URL;
  try {
    url = new URL(options.to!);
  } catch {
    throw new UsageError(`--to takes a full URL such as ws://localhost:3000/realtime, not "${options.to}".`);
  }
  if (options.raw) throw new UsageError("--raw re-sends captured POST headers; a WebSocket replay signs each upgrade afresh: drop --raw.");
  if (options.onlyFailed) throw new UsageError("--only-failed selects POSTs whose forward failed; frames have none: drop --only-failed.");
  const secret = requireSecret(options.secret, (w) => reporter.warn(w));
  const { readFrames } = await import("../deliveries/frames-read.js");
  const events = (options.events ?? []).flatMap(splitPatterns);
  const frames = [];
  for (const input of inputs) {
    if (input !== "-" && !/\.jsonl?$/i.test(input)) throw new UsageError(`${input}: a WebSocket replay reads listen's journal (.jsonl), not fixtures or folders.`);
    frames.push(...readFrames(await readInput(input, ctx)));
  }
  const selected = frames.filter((f) => events.length === 0 || (f.event !== null && matchesAny(f.event, events)));
  if (selected.length === 0) {
    throw new UsageError(`No WebSocket frames in ${inputs.join(", ")}${frames.length > 0 ? " after --events" : ""}: record some with \`listen\` as a WebSocket endpoint, or replay POSTs with an http(s):// --to.`);
  }
  const connections = new Set(selected.map((f) => f.connection)).size;
  if (!reporter.json) reporter.info(`Replaying ${selected.length} frame${selected.length === 1 ? "" : "s"} over ${connections} connection${connections === 1 ? "" : "s"} -> ${url.href}${options.realtime ? `, original spacing${options.speed !== 1 ? ` / ${options.speed}` : ""}` : ", as fast as possible"}`);
  const render = await import("../output/realtime-report.js");
  const { replayFrames } = await import("../realtime/replay-frames.js");
  const result = await replayFrames(selected, {
    to: url, signer: new Signer(secret), realtime: options.realtime === true, speed: options.speed, signal: interruptSignal(ctx),
    ...(options.headers && { headers: options.headers }),
    onEvent: (event, connection) => {
      if (reporter.json) reporter.record(render.realtimeEventJson(event, connection));
      else for (const line of render.renderRealtimeEvent(event, connection, reporter.out)) reporter.data(line);
    },
  });
  const bots = result.map((r) => ({ botId: r.connection, endpoints: [r.summary] }));
  if (reporter.json) for (const record of render.realtimeSummaryJson(bots)) reporter.record(record);
  else for (const line of render.renderRealtimeSummary(bots, reporter.out)) reporter.data(line);
  const sent = result.reduce((n, r) => n + r.summary.frames, 0);
  if (!reporter.json) reporter.data(sent === selected.length ? `all ${sent} frames sent` : `${selected.length - sent} of ${selected.length} frames not sent`);
  return sent === selected.length ? 0 : 1;
}
