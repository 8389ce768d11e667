import { Command } from "commander";
import { type CommandContext, collect, jsonOption, secretOption } from "./context.js";
import { integer } from "./option-parsers.js";
import type { VerifyCommandOptions } from "./verify-run.js";

export function verifyCommand(ctx: CommandContext): Command {
  return new Command("verify")
    .description("check a captured delivery offline and say why it fails")
    .argument("[file]", "a capture {\"headers\", \"body\"}, journal lines from `listen`, or (with --header) the raw body; - or nothing reads stdin")
    .addOption(secretOption())
    .option("-H, --header <header>", `a signature header of a raw body, "name: value", repeatable`, collect)
    .option("--tolerance <seconds>", "how far the timestamp may be from now, either way", integer(0), 300)
    .option("--ignore-timestamp", "check the signature only")
    .option("--now <unix>", "judge the timestamp as if it were this Unix time (default: a journal line's received_at, else now)", integer(0))
    .addOption(jsonOption())
    .addHelpText("after", `
Exit codes: 0 valid, 1 invalid (the reason is printed), 2 unusable input or secret.

Examples:
  $ recall-hooks verify capture.json --secret whsec_...
  $ recall-hooks verify body.json -H "webhook-id: msg_..." -H "webhook-timestamp: 1731705121" -H "webhook-signature: v1,..."
  $ recall-hooks verify .recall-hooks/journal.jsonl --json          each line judged at its received_at`)
    .action(async (file: string | undefined, options: VerifyCommandOptions) => {
      const { runVerify } = await import("./verify-run.js");
      ctx.exitCode = await runVerify(file, options, ctx);
    });
}
