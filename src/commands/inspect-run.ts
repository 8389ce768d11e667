import { access } from "node:fs/promises";
import { resolve } from "node:path";
import { UsageError } from "../errors.js";
import type { Inspector, InspectorOptions } from "../inspector/index.js";
import type { Reporter } from "../output/reporter.js";
import { Signer } from "../webhook/sign.js";
import { type CommandContext, reporterFor } from "./context.js";
import type { InspectCommandOptions } from "./inspect.js";
import { parseUrl, requireSecret } from "./options.js";

export async function runInspect(journal: string, options: InspectCommandOptions, ctx: CommandContext): Promise<number> {
  const reporter = await reporterFor(ctx, options.json === true);
  const path = resolve(ctx.cwd, journal);
  try {
    await access(path);
  } catch {
    throw new UsageError(`No journal at ${path}: run \`recall-hooks listen\` first (it writes .recall-hooks/journal.jsonl), or pass the journal's path.`);
  }
  const secret = options.secret !== undefined ? requireSecret(options.secret, (w) => reporter.warn(w)) : null;
  const interrupted = ctx.interruption();
  const inspector = await openInspector({
    journalPath: path, host: options.host, signer: secret ? new Signer(secret) : null, toleranceSeconds: options.tolerance,
    targets: (options.to ?? []).map((t) => parseUrl(t, "--to").href), fixturesDir: resolve(ctx.cwd, options.fixtures), mode: "journal",
    ringSize: options.window, now: ctx.now,
  }, options.port, reporter);
  try {
    if (reporter.json) reporter.record({ type: "ready", inspect_url: inspector.url, journal: path });
    else reporter.data(inspector.url);
    reporter.info(`Inspector for ${path} at ${inspector.url}${secret ? "" : " (no secret: verification is not checked; pass --secret)"}`);
    reporter.info(reporter.err.dim("Ctrl-C to stop."));
    await reporter.flush();
    await interrupted;
  } finally {
    await inspector.close();
  }
  return 130;
}

/**
 * Starts the inspector (imported only now, so other commands start as fast as before) on the given
 * port, or on the first free one from 4141. Says what to do when the port is taken or the host odd.
 */
export async function openInspector(o: Omit<InspectorOptions, "port">, port: number | undefined, reporter: Reporter): Promise<Inspector> {
  const { startInspector } = await import("../inspector/index.js");
  const host = o.host ?? "127.0.0.1";
  const ports = port !== undefined ? [port] : [4141, 4142, 4143, 4144, 4145, 0];
  for (const candidate of ports) {
    try {
      const inspector = await startInspector({ ...o, port: candidate });
      if (inspector.token !== null) {
        reporter.warn(`The inspector listens on ${host}: anyone on your network who has the URL with its token can replay deliveries. Keep the token (in the URL) to yourself.`);
      }
      return inspector;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EADDRINUSE" && port === undefined) continue;
      if (code === "EADDRINUSE") throw new UsageError(`Port ${candidate} is in use: pass another port for the inspector, or 0 for a free one.`, { cause: error });
      if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") throw new UsageError(`Cannot bind the inspector to ${host}: it is not an address of this machine. Use 127.0.0.1.`, { cause: error });
      throw error;
    }
  }
  throw new UsageError("No free port for the inspector: pass one.");
}
