import { Command } from "commander";
import { type CommandContext, collect, jsonOption, secretOption } from "./context.js";
import { integer } from "./options.js";

export interface InspectCommandOptions {
  port?: number;
  host: string;
  secret?: string;
  tolerance: number;
  to?: string[];
  fixtures: string;
  window: number;
  json?: boolean;
}

/** `--inspect [port]` takes an optional port: true means "pick one". */
export const inspectPort = (value: string): number => integer(0, 65535)(value);

export function inspectCommand(ctx: CommandContext): Command {
  return new Command("inspect")
    .description("open the inspector, a local web page, over a saved journal: each bot's life, why a delivery failed verification, replay with a key")
    .argument("[journal]", "the journal listen wrote", ".recall-hooks/journal.jsonl")
    .option("-p, --port <port>", "port for the page (default: the first free from 4141; 0 picks any)", inspectPort)
    .option("--host <host>", "address to bind; anything but loopback needs the printed token", "127.0.0.1")
    .addOption(secretOption())
    .option("--tolerance <seconds>", "timestamp tolerance the verification checklist applies", integer(0), 300)
    .option("--to <url>", "a replay target the page may use without confirming; repeatable", collect)
    .option("--fixtures <dir>", "where \"save as fixture\" writes", ".recall-hooks/fixtures")
    .option("--window <n>", "deliveries kept in memory (older ones stay in the journal)", integer(10, 1_000_000), 1000)
    .addOption(jsonOption())
    .addHelpText("after", `
The page follows the journal as it grows (a listen in another terminal). Live beside a listener: listen --inspect.

Examples:
  $ recall-hooks inspect
  $ recall-hooks inspect .recall-hooks/journal.jsonl --secret whsec_... --to http://localhost:3000/webhooks/recall`)
    .action(async (journal: string, options: InspectCommandOptions) => {
      const { runInspect } = await import("./inspect-run.js");
      ctx.exitCode = await runInspect(journal, options, ctx);
    });
}
