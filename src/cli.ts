import { readFileSync } from "node:fs";
import type { CommandContext } from "./commands/context.js";
import { isRecallHooksError } from "./errors.js";
import { directStdio } from "./output/stdio.js";

/** Set by the bundle build (scripts/build-cli.mjs); tsc's dist/cli.js reads package.json. */
declare const RECALL_HOOKS_VERSION: string | undefined;

/**
 * The entry: builds the program, runs it, and is the only place that turns an outcome into an
 * exit code. 0 success, 1 the work ran and failed, 2 usage, 130 Ctrl-C.
 */
function readVersion(): string {
  if (typeof RECALL_HOOKS_VERSION === "string") return RECALL_HOOKS_VERSION;
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

async function run(argv: readonly string[]): Promise<number> {
  const args = argv.slice(2);
  // `--version` is asked for by scripts and health checks: answer it without loading commander.
  if (args.length === 1 && (args[0] === "--version" || args[0] === "-V" || args[0] === "-v")) {
    stdout.write(`${readVersion()}\n`);
    return 0;
  }
  // listen runs in a child node with memory flags (respawn.ts); the check itself loads nothing.
  if (args[0] === "listen" && !args.some((a) => a === "-h" || a === "--help")) {
    const { respawn, watchParent, wantsRespawn } = await import("./respawn.js");
    if (wantsRespawn(process.execArgv, process.env)) return respawn(argv);
    watchParent();
  }
  const ctx = createContext();
  const debug = args.includes("--debug");
  const { buildProgram } = await import("./program.js");
  const { CommanderError } = await import("commander");
  const program = await buildProgram(ctx, readVersion(), args);
  try {
    await program.parseAsync(argv as string[]);
    // Commands report an interruption as 130; a SIGTERM is 128 + 15 by convention.
    return ctx.exitCode === 130 && stoppedBy === "SIGTERM" ? 143 : ctx.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its own one-line message already.
      return error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.exitCode === 0 ? 0 : 2;
    }
    if (isRecallHooksError(error)) {
      const { describeError } = await import("./error-messages.js");
      const { message, exitCode } = describeError(error);
      stderr.write(`error: ${message}\n`);
      if (debug && error.stack) stderr.write(`${error.stack}\n`);
      return exitCode;
    }
    stderr.write(`error: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    if (error instanceof Error && error.stack) stderr.write(`${debug ? error.stack : "(run again with --debug for the stack, and report it)"}\n`);
    return 1;
  }
}

let stoppedBy: NodeJS.Signals | null = null;

function createContext(): CommandContext {
  let interrupted: Promise<void> | undefined;
  return {
    stdout,
    stderr,
    // A getter: touching process.stdin builds a stream (a few ms at start-up) that most commands never read.
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    cwd: process.cwd(),
    now: Date.now,
    interruption: () => {
      interrupted ??= new Promise<void>((resolve) => {
        let count = 0;
        const onSignal = (signal: NodeJS.Signals): void => {
          count += 1;
          stoppedBy ??= signal;
          if (count === 1) resolve();
          else process.exit(signal === "SIGTERM" ? 143 : 130);
        };
        process.on("SIGINT", onSignal);
        process.on("SIGTERM", onSignal);
      });
      return interrupted;
    },
    exitCode: 0,
  };
}

// Piped output may be closed early (`| head`): that is not an error worth a stack.
const closedEarly = (): never => process.exit(process.exitCode ?? 0);
const withEpipe = (): NodeJS.WriteStream => process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") closedEarly();
});

/**
 * The commands that run for a long time (and write a lot) get node's streams; the short ones, and
 * help and usage errors, write with fs.writeSync until they need a stream (output/stdio.ts).
 */
const LONG = ["listen", "simulate", "replay", "emulate", "inspect", "check"];
// Any word, not just the first: `--config x listen` is a listen too (a stray match only costs a stream).
const short = !process.argv.slice(2).some((arg) => LONG.includes(arg));
const stdout = short ? directStdio(1, withEpipe, closedEarly) : withEpipe();
const stderr = short ? directStdio(2, () => process.stderr, closedEarly) : process.stderr;

// Not a top-level await: the bundle is CommonJS (it starts faster on Node 20, see scripts/build-cli.mjs).
run(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    stderr.write(`error: internal error: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
