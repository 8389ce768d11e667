import { Command } from "commander";
import { type CommandContext, jsonOption } from "./context.js";

export function eventsCommand(ctx: CommandContext): Command {
  return new Command("events")
    .description("the catalog: Recall's event types, status codes, sub codes and what each means")
    .argument("[name]", "an event type (bot.fatal), a glob (bot.*), a status code (call_ended) or a sub code")
    .addOption(jsonOption())
    .addHelpText("after", `
Examples:
  $ recall-hooks events                    every event type
  $ recall-hooks events bot.fatal          the fatal sub codes and what they mean
  $ recall-hooks events 'recording.*'
  $ recall-hooks events meeting_not_found
  $ recall-hooks events --json             events, codes, sub codes and the status graph`)
    .action(async (name: string | undefined, options: { json?: boolean }) => {
      const { runEvents } = await import("./events-run.js");
      ctx.exitCode = await runEvents(name, options, ctx);
    });
}

export function secretCommand(ctx: CommandContext): Command {
  return new Command("secret")
    .description("print a new random signing secret (whsec_ + 32 random bytes)")
    .addOption(jsonOption())
    .addHelpText("after", `
Example:
  $ export RECALL_WEBHOOK_SECRET=$(recall-hooks secret)`)
    .action(async (options: { json?: boolean }) => {
      const { generateSecret } = await import("../webhook/secret.js");
      const secret = generateSecret();
      ctx.stdout.write(options.json ? `${JSON.stringify({ secret })}\n` : `${secret}\n`);
      ctx.exitCode = 0;
    });
}
