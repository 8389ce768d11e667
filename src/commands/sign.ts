import { Command, Option } from "commander";
import { type CommandContext, bodyFormatOption, collect, jsonOption, secretOption } from "./context.js";
import { integer } from "./option-parsers.js";
import type { SignCommandOptions } from "./sign-run.js";

/** Where `--format curl` and `http` say the request goes when --url is not given. */
export const DEFAULT_URL = "http://localhost:3000/webhooks/recall";

export function signCommand(ctx: CommandContext): Command {
  return new Command("sign")
    .description("sign a payload (a file, stdin, or a sample built with --event) and print the request")
    .argument("[file]", "the body to sign, exactly as it will be sent; - reads standard input")
    .addOption(secretOption())
    .option("--event <type>", "build a realistic Recall body for this event type (see `recall-hooks events`)")
    .option("--bot-id <uuid>", "with --event: the bot id")
    .option("--sub-code <code>", "with --event: the sub code (e.g. meeting_not_found for bot.fatal)")
    .option("--force", "with --sub-code: send a sub code the catalog does not document (Recall adds new ones)")
    .option("--metadata <key=value>", "with --event: bot metadata, repeatable", collect)
    .addOption(bodyFormatOption("the --event body is"))
    .option("--id <msg_id>", "the message id (default: a new msg_...)")
    .option("--timestamp <unix>", "the signature timestamp in Unix seconds (default: now)", integer(0))
    .addOption(new Option("--headers <family>", "which signature headers").choices(["webhook", "svix", "both"]).default("webhook"))
    .addOption(new Option("--format <format>", "what to print (default: headers)").choices(["headers", "json", "curl", "http"]))
    // The default is in the words, not commander's: sign-run.ts parses it only when it prints it.
    .option("--url <url>", `the URL written into --format curl and http (default: "${DEFAULT_URL}")`)
    .option("--send <url>", "POST the signed request to this URL and print the answer's status and latency")
    .addOption(jsonOption())
    .addHelpText("after", `
Examples:
  $ recall-hooks sign --event bot.done --secret whsec_...           signature headers for a bot.done body
  $ recall-hooks sign --event bot.fatal --sub-code meeting_not_found --format curl
  $ recall-hooks sign payload.json --format json                     {id, timestamp, signature, headers, body}
  $ recall-hooks sign --event bot.in_call_recording --send http://localhost:3000/webhooks/recall`)
    .action(async (file: string | undefined, options: SignCommandOptions) => {
      const { runSign } = await import("./sign-run.js");
      ctx.exitCode = await runSign(file, options, ctx);
    });
}
