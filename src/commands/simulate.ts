import { Command, Option } from "commander";
import { UsageError } from "../errors.js";
import { type CommandContext, bodyFormatOption, collect, jsonOption, secretOption } from "./context.js";
import { decimal, integer, speedFactor } from "./options.js";
import type { SimulateCommandOptions } from "./simulate-run.js";

export function simulateCommand(ctx: CommandContext): Command {
  const lifecycle = new Command("lifecycle")
    .description("drive bots through a whole Recall lifecycle, signed and spaced like Recall's deliveries")
    .option("--to <url>", "your webhook endpoint (default: an embedded listener that verifies and prints)")
    .option("-s, --scenario <name>", "which lifecycle (see --list)", "happy")
    .option("--scenario-file <file>", "a lifecycle from a JSON file ({name, steps: [{event, delay_ms, sub_code}]}), e.g. one the inspector exported")
    .option("--list", "list the scenarios, one line each")
    .option("--sub-code <code>", "the sub code of the scenario's fatal / call_ended / permission-denied step")
    .option("--all-sub-codes", "one bot per sub code of that step (e.g. every fatal sub code)")
    .option("-n, --bots <n>", "how many bots in all, each with its own lifecycle (with --all-sub-codes: per sub code)", integer(1, 100_000), 1)
    .option("-c, --concurrency <n>", "how many of those bots run at once", integer(1, 10_000), 10)
    .option("--speed <factor>", "1 = Recall's real spacing (about a minute a lifecycle), 0 = as fast as possible", speedFactor, 10)
    .option("--duplicates <rate>", "share of deliveries sent twice (same id, fresh timestamp), 0 to 1", decimal(0, 1))
    .option("--reorder", "swap one pair of neighbouring deliveries per bot")
    .option("--retries <n>", "retry non-2xx answers on Svix's schedule (5 s, 5 min, 30 min, ...) divided by --speed", integer(0, 7), 0)
    .option("--artifacts", "then send what Recall sends after done: recording.done, transcript.done, ...")
    .option("--bot-id <uuid>", "the bot id (one bot only)")
    .option("--metadata <key=value>", "bot metadata, repeatable", collect)
    .addOption(new Option("--headers <family>", "which signature headers").choices(["webhook", "svix", "both"]).default("webhook"))
    .addOption(bodyFormatOption("bodies are"))
    .option("--keep-going", "send every lifecycle even when the first found nothing listening (connection refused)")
    .option("--seed <n>", "seed for --duplicates and --reorder, to repeat a run", integer(0, 2 ** 32 - 1))
    .option("--realtime", "stream a meeting's real-time events while the bot records (into the embedded listener without --realtime-to)")
    .option("--realtime-to <url>", "a real-time endpoint: http(s):// webhook or ws(s):// WebSocket; repeatable", collect)
    .option("--realtime-events <globs>", "only these real-time events (transcript.data,participant_events.*); repeatable", collect)
    .option("--script <file>", "the meeting script, text ([00:12] Ada: Hello) or JSON (default: a built-in two-minute meeting)")
    .option("--partials", "send transcript.partial_data with growing prefixes before each transcript.data")
    .addOption(new Option("--raw-audio <mode>", "raw audio, base64 PCM S16LE 16 kHz mono (WebSocket endpoints only)").choices(["mixed", "separate"]))
    .option("--video", "video_separate_png.data: PNG frames per participant at 2 fps (WebSocket endpoints only)")
    .option("--chunk-ms <ms>", "raw audio chunk length", integer(10, 10_000), 100)
    .addOption(secretOption())
    .option("--inspect [port]", "without --to: open the inspector page over the run; it stays up until Ctrl-C", integer(0, 65535))
    .addOption(jsonOption())
    .addHelpText("after", `
Exit codes: 0 every delivery answered 2xx (and every real-time frame arrived), 1 some did not (after retries), 2 usage error, 130 interrupted.

Examples:
  $ recall-hooks simulate lifecycle                              a verified lifecycle into an embedded listener
  $ recall-hooks simulate lifecycle --list
  $ recall-hooks simulate lifecycle --to http://localhost:3000/webhooks/recall --secret whsec_...
  $ recall-hooks simulate lifecycle --to $URL --scenario fatal --all-sub-codes --speed 0
  $ recall-hooks simulate lifecycle --to $URL --bots 50 --speed 0 --duplicates 0.1 --reorder --json
  $ recall-hooks simulate lifecycle --realtime                   a meeting's live transcript, in the terminal
  $ recall-hooks simulate lifecycle --to $URL --realtime-to ws://localhost:3000/ws --raw-audio mixed --partials
  $ recall-hooks simulate lifecycle --to $URL --realtime-to $URL/realtime --script meeting.txt --scenario paused-resumed`)
    // lifecycle is the default subcommand: `simulate bogus` lands here with "bogus" as an argument.
    .action(async (options: SimulateCommandOptions, command: Command) => {
      const unknown = command.args[0];
      if (unknown !== undefined) throw await unknownCommand(unknown);
      const { runSimulate } = await import("./simulate-run.js");
      ctx.exitCode = await runSimulate(options, ctx);
    });
  const simulate = new Command("simulate")
    .description("drive bots through Recall lifecycles against an endpoint (see `simulate lifecycle --help`)")
    .addCommand(lifecycle, { isDefault: true });
  // addCommand does not pass the program's error handling down: copy it when the subcommand runs.
  // It copies allowExcessArguments too: let lifecycle take the stray word and name it.
  simulate.hook("preSubcommand", (parent, sub) => { sub.copyInheritedSettings(parent).allowExcessArguments(); });
  return simulate;
}

/** `simulate fatal` most likely means the scenario; anything else, the one command there is. */
async function unknownCommand(word: string): Promise<UsageError> {
  const { listScenarios } = await import("../recall/scenarios.js");
  const fix = listScenarios().some((s) => s.name === word) ? `simulate lifecycle --scenario ${word}` : "simulate lifecycle";
  return new UsageError(`unknown simulate command "${word}": use \`${fix}\` (scenarios: \`simulate lifecycle --list\`).`);
}
