import { readFileSync } from "node:fs";
import type { CommandContext } from "./commands/context.js";
import { isRecallHooksError } from "./errors.js";

/**
 * The entry: builds the program, runs it, and is the only place that turns an outcome into an
 * exit code. 0 success, 1 the work ran and failed, 2 usage, 130 Ctrl-C.
 */
function readVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

async function run(argv: readonly string[]): Promise<number> {
  const args = argv.slice(2);
  // `--version` is asked for by scripts and health checks: answer it without loading commander.
  if (args.length === 1 && (args[0] === "--version" || args[0] === "-V" || args[0] === "-v")) {
    process.stdout.write(`${readVersion()}\n`);
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
      process.stderr.write(`error: ${message}\n`);
      if (debug && error.stack) process.stderr.write(`${error.stack}\n`);
      return exitCode;
    }
    process.stderr.write(`error: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    if (error instanceof Error && error.stack) process.stderr.write(`${debug ? error.stack : "(run again with --debug for the stack, and report it)"}\n`);
    return 1;
  }
}

let stoppedBy: NodeJS.Signals | null = null;

function createContext(): CommandContext {
  let interrupted: Promise<void> | undefined;
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
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
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
});

process.exitCode = await run(process.argv);
