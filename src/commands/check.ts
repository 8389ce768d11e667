import { Command, InvalidArgumentError, Option } from "commander";
import { CHECK_IDS } from "../check/types.js";
import { wrapList } from "../output/format.js";
import type { CheckCommandOptions } from "./check-run.js";
import { type CommandContext, collect, jsonOption, secretOption } from "./context.js";

const MAX_TIMEOUT_MS = 600_000;

/** `15s`, `500ms`, or a number of seconds, as milliseconds (10 ms to 10 min). */
export function parseTimeout(value: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s)?\s*$/.exec(value);
  const ms = match === null ? NaN : Number(match[1]) * (match[2] === "ms" ? 1 : 1000);
  if (!Number.isFinite(ms) || ms < 10 || ms > MAX_TIMEOUT_MS) {
    throw new InvalidArgumentError("expected a time such as 15s, 500ms or 2 (seconds), from 10ms to 600s.");
  }
  return ms;
}

export function checkCommand(ctx: CommandContext): Command {
  return new Command("check")
    .description("audit a webhook handler against everything Recall does to it: a scorecard, exit 1 on a failed check")
    .option("--to <url>", "your handler (default: two sample handlers in this process, a correct one and a naive one)")
    .addOption(secretOption())
    .option("--only <ids>", "run only these checks (comma separated, repeatable)", collect)
    .option("--skip <ids>", "leave these checks out (comma separated, repeatable)", collect)
    .addOption(new Option("--headers <family>", "signature headers of ordinary deliveries (svix-headers always sends svix-*)").choices(["webhook", "svix", "both"]).default("webhook"))
    .addOption(new Option("--timeout <time>", "how long to wait for each answer: 15s (Recall's limit), 500ms, or seconds").argParser(parseTimeout).default(15_000, "15s"))
    .addOption(jsonOption())
    .addHelpText("after", `
Checks, in order (ids for --only and --skip; the README says what each sends and the fix):
${wrapList(CHECK_IDS, 96).map((line) => `  ${line}`).join("\n")}
Every body is marked as a test: bot ids start with 00000000-0000-4000-8000- and the bot's metadata has
recall_hooks_check = "true".

Exit codes: 0 every check passed, 1 a check failed or could not be judged (the handler was down or did
not answer), 2 usage error. With no --to, 0 when the correct sample handler passed (the naive one's
failures are the demo).

Examples:
  $ recall-hooks check                                      the demo: a correct and a naive sample handler
  $ recall-hooks check --to http://localhost:3000/webhooks/recall --secret whsec_...
  $ recall-hooks check --to $URL --skip large-body,concurrency --json
  $ recall-hooks check --to $URL --only raw-body --timeout 2s`)
    .action(async (options: CheckCommandOptions) => {
      const { runCheckCommand } = await import("./check-run.js");
      ctx.exitCode = await runCheckCommand(options, ctx);
    });
}

