import { Command } from "commander";
import { applyConfig, CONFIG_FILE, loadConfig } from "./config.js";
import type { CommandContext } from "./commands/context.js";
import { eventsCommand, secretCommand } from "./commands/events.js";
import { listenCommand } from "./commands/listen.js";
import { replayCommand } from "./commands/replay.js";
import { signCommand } from "./commands/sign.js";
import { simulateCommand } from "./commands/simulate.js";
import { verifyCommand } from "./commands/verify.js";

/** The commander program: every command declared in its own file, its work imported when it runs. */
export function buildProgram(ctx: CommandContext, version: string): Command {
  const program = new Command("recall-hooks")
    .description("The developer's bench for Recall.ai webhooks: listen, verify, forward, replay, sign and simulate.")
    .version(version, "-V, --version")
    .option("--debug", "print stacks for errors")
    .option("--config <file>", `a JSON config file (default: ./${CONFIG_FILE} when present); flags and environment win over it`)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.stdout.write(text),
      writeErr: (text) => ctx.stderr.write(text),
      outputError: (text, write) => write(`${text.trimEnd()} (see --help)\n`),
    })
    .addHelpText("after", `
Environment:
  RECALL_WEBHOOK_SECRET   the signing secret (whsec_...), instead of --secret
  NGROK_AUTHTOKEN         opens an ngrok tunnel for \`listen\`
  NO_COLOR                no colour

Exit codes: 0 success, 1 the work ran and failed, 2 usage error, 130 interrupted.`);
  program.hook("preAction", (_program, action) => {
    const explicit = program.opts<{ config?: string }>().config;
    const config = loadConfig(ctx.cwd, explicit);
    if (config) applyConfig(action, config, explicit ?? CONFIG_FILE);
  });
  for (const make of [listenCommand, replayCommand, simulateCommand, signCommand, verifyCommand, eventsCommand, secretCommand]) {
    program.addCommand(inherit(make(ctx), program));
  }
  return program;
}

/** Subcommands share the program's error handling and output. */
function inherit(command: Command, program: Command): Command {
  return command
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput(program.configureOutput());
}
