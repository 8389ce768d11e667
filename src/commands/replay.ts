import { Command, Option } from "commander";
import { type CommandContext, bodyFormatOption, collect, jsonOption, secretOption } from "./context.js";
import { integer, speedFactor } from "./option-parsers.js";
import type { ReplayCommandOptions } from "./replay-run.js";

export function replayCommand(ctx: CommandContext): Command {
  return new Command("replay")
    .description("send bundled fixtures, captured deliveries or listen's journal to a URL, signed again at send time")
    .argument("<input...>", "an event type (bot.fatal, 'recording.*') for the bundled fixture, a file (.json body or capture, .jsonl journal), a folder, or -")
    .option("--to <url>", "where to send them (required); a ws:// URL re-streams the journal's WebSocket frames")
    .addOption(secretOption())
    .option("--new-id", "give every delivery a new message id (default: keep the captured id)")
    .option("--raw", "send the captured headers untouched, without re-signing (no secret needed)")
    .option("--only-failed", "only journal entries whose forward failed or never happened")
    .option("-e, --events <globs>", "only these event types (bot.*,recording.done); repeatable", collect)
    .option("-c, --concurrency <n>", "deliveries in flight at once (1 keeps the order)", integer(1, 10_000), 1)
    .option("--realtime", "keep the original spacing between deliveries or frames (from the journal's received_at)")
    .option("--speed <factor>", "divides the waits of --realtime and --retries: 2 is twice as fast, 0 does not wait", speedFactor, 1)
    .option("--retries <n>", "retry non-2xx answers on Svix's schedule (5 s, 5 min, 30 min, ...) divided by --speed", integer(0, 7), 0)
    .addOption(new Option("--headers <family>", "signature headers (default: the captured family, else webhook)").choices(["webhook", "svix", "both"]))
    .addOption(bodyFormatOption("fixtures named by event type are (files and captures keep their bytes)"))
    .addOption(jsonOption())
    .addHelpText("after", `
Exit codes: 0 every delivery answered 2xx, 1 some did not, 2 usage error, 130 interrupted.

Examples:
  $ recall-hooks replay bot.fatal --to http://localhost:3000/webhooks/recall --secret whsec_...
  $ recall-hooks replay 'bot.*' --to $URL                         every bundled bot fixture
  $ recall-hooks replay .recall-hooks/journal.jsonl --to $URL --only-failed
  $ recall-hooks replay .recall-hooks/journal.jsonl --to $URL --events 'bot.*' --realtime
  $ recall-hooks replay capture.json --to $URL --raw              exactly as captured, old signature and all
  $ recall-hooks replay .recall-hooks/journal.jsonl --to ws://localhost:3000/ws --realtime   WebSocket frames, original spacing`)
    .action(async (inputs: string[], options: ReplayCommandOptions) => {
      const { runReplay } = await import("./replay-run.js");
      ctx.exitCode = await runReplay(inputs, options, ctx);
    });
}
