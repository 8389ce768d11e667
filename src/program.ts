import { Command, CommanderError, Help, Option } from "commander";
import { applyConfig, CONFIG_FILE, type Config, type ConfigNames, loadConfig, strayConfigKeys } from "./config.js";
import type { CommandContext } from "./commands/context.js";

type Declare = (ctx: CommandContext) => Command;

/** A command's line in the program's help: what commander's Help prints for it. */
export interface CommandLine {
  name: string;
  term: string;
  description: string;
}

/**
 * Set by the bundle build (scripts/build-cli.mjs): every command's line in the program's help, read
 * off the declarations themselves at build time (commandLines), as JSON. tsc's dist/cli.js has none and
 * declares every command, as the bundle does for everything but `--help` alone.
 */
declare const RECALL_HOOKS_COMMAND_LINES: string | undefined;

/**
 * Every command, in help order, with the file that declares it. A run names its command first,
 * and only that file is loaded (start-up time, see `npm run bench`); help, a typo or an option
 * before the command load them all.
 */
const COMMANDS: Readonly<Record<string, () => Promise<Declare>>> = {
  listen: async () => (await import("./commands/listen.js")).listenCommand,
  replay: async () => (await import("./commands/replay.js")).replayCommand,
  simulate: async () => (await import("./commands/simulate.js")).simulateCommand,
  emulate: async () => (await import("./commands/emulate.js")).emulateCommand,
  sign: async () => (await import("./commands/sign.js")).signCommand,
  verify: async () => (await import("./commands/verify.js")).verifyCommand,
  inspect: async () => (await import("./commands/inspect.js")).inspectCommand,
  events: async () => (await import("./commands/events.js")).eventsCommand,
  secret: async () => (await import("./commands/events.js")).secretCommand,
  check: async () => (await import("./commands/check.js")).checkCommand,
};

/** The commander program: every command declared in its own file, its work imported when it runs. */
export async function buildProgram(ctx: CommandContext, version: string, args: readonly string[] = []): Promise<Command> {
  const program = new Command("recall-hooks")
    .description("The developer's bench for Recall.ai webhooks: listen, verify, forward, replay, sign and simulate.")
    .version(version, "-V, --version", "print the version (-v too)")
    // -v too: people type either, and it means nothing else here. Hidden, as help shows -V.
    .addOption(new Option("-v").hideHelp())
    .option("--debug", "print stacks for errors")
    .option("--config <file>", `a JSON config file (default: ./${CONFIG_FILE} when present); flags and environment win over it`)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.stdout.write(text),
      writeErr: (text) => ctx.stderr.write(text),
      outputError: (text, write) => write(`${text.trimEnd()} (see --help)\n`),
      // commander's own defaults read process.stdout and process.stderr, which would make node's
      // streams at every start (src/output/stdio.ts); these read the command's.
      getOutHelpWidth: () => terminal(ctx.stdout)?.columns ?? 80,
      getErrHelpWidth: () => terminal(ctx.stderr)?.columns ?? 80,
      getOutHasColors: () => terminal(ctx.stdout)?.hasColors?.() ?? false,
      getErrHasColors: () => terminal(ctx.stderr)?.hasColors?.() ?? false,
    })
    .addHelpText("after", `
Environment:
  RECALL_WEBHOOK_SECRET   the signing secret (whsec_...), instead of --secret
  NGROK_AUTHTOKEN         opens an ngrok tunnel for \`listen\`
  NO_COLOR                no colour

Exit codes: 0 success, 1 the work ran and failed, 2 usage error, 130 interrupted.`);
  program.on("option:v", () => {
    ctx.stdout.write(`${version}\n`);
    throw new CommanderError(0, "commander.version", version);
  });
  program.hook("preAction", async (_program, action) => {
    const explicit = program.opts<{ config?: string }>().config;
    const config = loadConfig(ctx.cwd, explicit);
    if (!config) return;
    const source = explicit ?? CONFIG_FILE;
    applyConfig(action, config, source);
    for (const line of strayConfigKeys(action, config, source, await configNames(action, config, ctx))) ctx.stderr.write(`warning: ${line}\n`);
  });
  // `--help` alone prints one line per command: those lines, not every command's options (start-up
  // time: declaring them all was a third of its start). test/cli-foundation.test.ts holds the two
  // outputs equal.
  if (typeof RECALL_HOOKS_COMMAND_LINES !== "undefined" && args.length === 1 && (args[0] === "--help" || args[0] === "-h")) {
    return withCommandLines(program, JSON.parse(RECALL_HOOKS_COMMAND_LINES) as CommandLine[]);
  }
  const first = args[0];
  const names = first !== undefined && Object.hasOwn(COMMANDS, first) ? [first] : Object.keys(COMMANDS);
  const declarations = await Promise.all(names.map((name) => COMMANDS[name]!()));
  for (const declare of declarations) program.addCommand(inherit(declare(ctx), program));
  return program;
}

function terminal(stream: CommandContext["stdout"]): { columns?: number; hasColors?: () => boolean } | null {
  return stream.isTTY === true ? stream as { columns?: number; hasColors?: () => boolean } : null;
}

/**
 * The names a config file may use. Every command's options are loaded only when a top-level key is
 * not one of the running command's (a run loads just its own command, for start-up time).
 */
async function configNames(action: Command, config: Config, ctx: CommandContext): Promise<ConfigNames> {
  const sections = [...Object.keys(COMMANDS), "lifecycle"];
  const mine = action.options.map((o) => o.attributeName());
  const unknown = Object.keys(config).filter((key) => !sections.includes(key) && !mine.includes(key));
  if (unknown.length === 0) return { sections, options: mine };
  const declarations = await Promise.all(Object.values(COMMANDS).map((load) => load()));
  const options = new Set<string>();
  const collect = (command: Command): void => {
    for (const option of command.options) options.add(option.attributeName());
    for (const sub of command.commands) collect(sub);
  };
  for (const declare of declarations) collect(declare(ctx));
  return { sections, options: [...options] };
}

/** The program's commands as their help lines only: enough for the program's own help, nothing else. */
function withCommandLines(program: Command, lines: readonly CommandLine[]): Command {
  const terms = new Map<Command, string>();
  for (const line of lines) {
    const command = new Command(line.name).description(line.description);
    terms.set(command, line.term);
    program.addCommand(inherit(command, program));
  }
  return program.configureHelp({
    subcommandTerm(this: Help, command: Command): string {
      return terms.get(command) ?? Help.prototype.subcommandTerm.call(this, command);
    },
  });
}

/**
 * Each command's line in the program's help, as commander prints it from the full declarations
 * (the bundle build keeps them for `--help`, see RECALL_HOOKS_COMMAND_LINES).
 */
export function commandLines(program: Command): CommandLine[] {
  const help = program.createHelp();
  return help.visibleCommands(program)
    .filter((command) => Object.hasOwn(COMMANDS, command.name()))
    .map((command) => ({ name: command.name(), term: help.subcommandTerm(command), description: help.subcommandDescription(command) }));
}

/** Subcommands share the program's error handling and output. */
function inherit(command: Command, program: Command): Command {
  return command
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput(program.configureOutput());
}
