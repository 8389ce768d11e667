import { spawn } from "node:child_process";
import { constants } from "node:os";

/**
 * `listen` runs in a child node started with V8 flags that keep its memory flat under load. With
 * V8's defaults a listener's RSS grows by three quarters between its first thousand deliveries and
 * its hundred-thousandth: the young generation grows from 1 to 16 MiB semi-spaces, and the old one
 * is let grow by 100% past its live size before it is collected. Measured on the bench's load
 * (RSS after 100k / after 1k, this process alone; CPU per delivery):
 *   defaults 1.71-1.87; --optimize-for-size 1.07-1.12 but +35% CPU; --max-semi-space-size=1 1.49;
 *   --heap-growing-percent=20 1.48; --max-semi-space-size=4 with it 1.15-1.19 at the same CPU.
 * The young generation is now 16 MiB semi-spaces from the start (min = max): it no longer grows
 * under load, and a scavenge comes a quarter as often as with 4 MiB ones, for the same few live
 * objects (the requests under way). Listener throughput against the bare server 0.39 to 0.45 in
 * an interleaved A/B (medians of 6 rounds), the RSS ratio 1.12 (about 23 MiB more from the first
 * delivery on); 8 MiB measured between the two, 32 MiB below 16.
 * Such flags only take effect at start-up (set with v8.setFlagsFromString, in part at best), hence
 * the child. The parent only waits: it forwards the signals it gets and exits as the child does.
 *
 * The child has a process group of its own, so a terminal's Ctrl-C reaches it once, through the
 * parent, and not twice (a second Ctrl-C means "quit at once"). If the parent dies without a
 * word, the child sees its IPC channel close and stops as on Ctrl-C: the journal is flushed and
 * the port freed.
 */
export const RESPAWN_FLAGS = ["--min-semi-space-size=16", "--max-semi-space-size=16", "--heap-growing-percent=40"] as const;
const CHILD_MARK = "RECALL_HOOKS_RESPAWNED";

/**
 * Whether this process should run the command in a child: not when it is that child, nor when the
 * user started node with flags of their own (--inspect, --cpu-prof): they want this process.
 */
export function wantsRespawn(execArgv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  return execArgv.length === 0 && env[CHILD_MARK] === undefined;
}

/** Runs this command line again in a child with RESPAWN_FLAGS; resolves with its exit code. */
export function respawn(argv: readonly string[]): Promise<number> {
  const child = spawn(process.execPath, [...RESPAWN_FLAGS, ...argv.slice(1)], {
    stdio: ["inherit", "inherit", "inherit", "ipc"], detached: true, env: { ...process.env, [CHILD_MARK]: "1" },
  });
  const forward = (signal: NodeJS.Signals): void => { child.kill(signal); };
  const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
  for (const signal of signals) process.on(signal, forward);
  return new Promise((resolve) => {
    child.on("error", (error) => {
      process.stderr.write(`error: could not start the listener process (${error.message}): run again, or start node with a flag of your own (node --max-semi-space-size=16 ...) to run it in this process.\n`);
      resolve(1);
    });
    child.on("exit", (code, signal) => {
      for (const s of signals) process.off(s, forward);
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 1));
    });
  });
}

/** In the child: stop as on Ctrl-C when the parent is gone, and let the channel not hold the exit. */
export function watchParent(): void {
  if (process.env[CHILD_MARK] === undefined) return;
  // A parent that died before this line ran has closed the channel already: nothing was started yet.
  if (process.channel === undefined || !process.connected) process.exit(130);
  process.channel.unref();
  process.once("disconnect", () => { process.kill(process.pid, "SIGINT"); });
}
