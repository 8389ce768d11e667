import { Command, Option } from "commander";
import { type CommandContext, collect, jsonOption, secretOption } from "./context.js";
import type { EmulateCtlOptions } from "./emulate-ctl.js";
import type { EmulateCommandOptions } from "./emulate-run.js";
import { decimal, integer, speedFactor } from "./option-parsers.js";

export function emulateCommand(ctx: CommandContext): Command {
  const start = new Command("start")
    .description("run a local, stateful Recall API: bots walk Recall's lifecycle and send signed webhooks from their state")
    .option("-p, --port <port>", "port to listen on; 0 picks a free one", integer(0, 65535), 8080)
    .option("--host <host>", "address to bind", "127.0.0.1")
    .addOption(new Option("--api-key <key>", "the API key apps must send (default: a new one, printed)").env("RECALL_API_KEY"))
    .addOption(secretOption().default(undefined, "a new one, printed"))
    .option("-w, --webhook-to <url>", "a dashboard webhook endpoint (your app's); repeatable", collect)
    .option("-e, --events <globs>", "only send these event types (bot.*,recording.done); default all", collect)
    .option("--speed <factor>", "Recall's timings divided by this; 1 = real time, 0 = as fast as your app answers", speedFactor, 10)
    .option("-s, --scenario <name>", "the lifecycle bots walk (see `simulate lifecycle --list`); per bot: metadata recall_hooks_scenario", "happy")
    .option("--sub-code <code>", "the sub code of the scenario's fatal / call_ended / permission-denied step")
    .option("--script <file>", "the meeting every bot attends, streamed to its real-time endpoints and downloaded: text ([00:12] Ada: Hello) or JSON (default: a built-in two-minute meeting)")
    .option("--state <file>", "keep bots in this file, so they survive a restart")
    .option("--rate-limit", "apply Recall's per-minute rate limits (429 with Retry-After)")
    .option("--fail-create <status:rate>", "fail this share of Create Bot calls, e.g. 507:0.2; repeatable", collect)
    .option("--duplicates <rate>", "share of webhooks delivered twice (same id), 0 to 1", decimal(0, 1))
    .option("--retries <n>", "webhook retries on Svix's schedule divided by --speed", integer(0, 7), 7)
    .option("--inspect [port]", "open the inspector over what the emulator sends (webhooks and real-time frames); port: first free from 4141", integer(0, 65535))
    .option("--seed <n>", "seed for --fail-create and --duplicates, to repeat a run", integer(0, 2 ** 32 - 1))
    .addOption(jsonOption())
    .addHelpText("after", `
With --json, stdout is NDJSON: ready, api (each request), bot (each status change), delivery (each webhook request).

Examples:
  $ recall-hooks emulate --webhook-to http://localhost:3000/webhooks/recall
  $ recall-hooks emulate --speed 0 --scenario fatal --sub-code meeting_not_found --json
  $ NODE_OPTIONS="--import recall-hooks/redirect" RECALL_HOOKS_EMULATOR=http://127.0.0.1:8080 node app.js
  $ recall-hooks emulate ctl push <bot-id> call_ended --sub-code bot_kicked_from_call`)
    .action(async (options: EmulateCommandOptions, command: Command) => {
      const stray = command.args[0];
      if (stray !== undefined) {
        const { UsageError } = await import("../errors.js");
        throw new UsageError(`unknown emulate command "${stray}": use \`emulate\` (start) or \`emulate ctl <reset|push|bots|deliveries>\`.`);
      }
      const { runEmulate } = await import("./emulate-run.js");
      ctx.exitCode = await runEmulate(options, ctx);
    });
  const ctl = new Command("ctl")
    .description("control a running emulator: reset, push <bot-id> <status>, bots, deliveries")
    .argument("<action>", "reset | push | bots | deliveries")
    .argument("[args...]", "push: <bot-id> <status>")
    .addOption(new Option("--url <url>", "the emulator's base URL").env("RECALL_HOOKS_EMULATOR").default("http://127.0.0.1:8080"))
    .option("--sub-code <code>", "push: the status's sub code")
    .option("--bot <id>", "deliveries: only this bot's")
    .option("--event <name>", "deliveries: only this event type")
    .addOption(jsonOption())
    .addHelpText("after", `
Examples:
  $ recall-hooks emulate ctl reset
  $ recall-hooks emulate ctl push 6e1f5adb-3340-4f50-900d-9aa2cdc53d6c fatal --sub-code meeting_not_found
  $ recall-hooks emulate ctl deliveries --bot 6e1f5adb-3340-4f50-900d-9aa2cdc53d6c --json`)
    .action(async (action: string, args: string[], options: EmulateCtlOptions) => {
      const { runEmulateCtl } = await import("./emulate-ctl.js");
      ctx.exitCode = await runEmulateCtl(action, args, options, ctx);
    });
  const emulate = new Command("emulate")
    .description("a local, stateful Recall API that drives webhooks from its state (see `emulate start --help`)")
    .addCommand(start, { isDefault: true })
    .addCommand(ctl);
  emulate.hook("preSubcommand", (parent, sub) => { sub.copyInheritedSettings(parent); if (sub === start) sub.allowExcessArguments(); });
  return emulate;
}
