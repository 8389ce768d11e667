import type { Readable, Writable } from "node:stream";
import { Option } from "commander";
import { Reporter } from "../output/reporter.js";

/** The process edges a command may touch; tests and the library pass their own. */
export interface CommandContext {
  readonly stdout: Writable & { isTTY?: boolean };
  readonly stderr: Writable & { isTTY?: boolean };
  readonly stdin: Readable & { isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  /**
   * Resolves when the user asks to stop (Ctrl-C). Long-running commands call it to take over
   * Ctrl-C; a second Ctrl-C still ends the process at once.
   */
  readonly interruption: () => Promise<void>;
  /** Set by the running command; read by src/cli.ts only. */
  exitCode: number;
}

export function reporterFor(ctx: CommandContext, json: boolean): Promise<Reporter> {
  return Reporter.create({ stdout: ctx.stdout, stderr: ctx.stderr, env: ctx.env, json });
}

/** Options every command shares. */
export const jsonOption = (): Option => new Option("--json", "machine output on stdout (one JSON document, or NDJSON for streams)");

export const secretOption = (): Option =>
  new Option("--secret <secret>", "signing secret, whsec_... (Recall: Developers > API Keys & Secrets)").env("RECALL_WEBHOOK_SECRET");

/** How generated bodies are written; no default here, so a command can tell when it was given. */
export const bodyFormatOption = (what: string): Option =>
  new Option("--body-format <format>", `how ${what} written: spaced (Python's json.dumps, default), compact (JSON.stringify) or pretty`)
    .choices(["spaced", "compact", "pretty"]);

/** Collects a repeatable option into an array. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Reads all of a stream as bytes. */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}
