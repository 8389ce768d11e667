import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The built binary, as a user runs it. */
export const BIN = fileURLToPath(new URL("../../../bin/recall-hooks.cjs", import.meta.url));
export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly input?: string | Buffer;
  readonly env?: Record<string, string | undefined>;
  readonly cwd?: string;
  /** Kills the child (SIGKILL) when aborted, e.g. the test's own signal on a timeout, so a hang fails instead of holding the suite. */
  readonly signal?: AbortSignal;
}

/** Runs the binary to completion. The environment is clean of the user's secret and tokens. */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = { ...process.env, RECALL_WEBHOOK_SECRET: undefined, NGROK_AUTHTOKEN: undefined, NO_COLOR: "1", FORCE_COLOR: undefined };
    Object.assign(env, options.env);
    for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
    const child = spawn(process.execPath, [BIN, ...args], { env: env as NodeJS.ProcessEnv, cwd: options.cwd ?? ROOT, ...(options.signal && { signal: options.signal, killSignal: "SIGKILL" as const }) });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    child.on("error", (error) => { if (error.name !== "AbortError") reject(error); });
    child.on("close", (code) => resolve({ code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }));
    child.stdin.end(options.input ?? "");
  });
}
