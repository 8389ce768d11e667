import { networkInterfaces } from "node:os";
import { resolve } from "node:path";
import type { Appended } from "../deliveries/journal.js";
import { UsageError } from "../errors.js";
import type { ForwardRoute } from "../listen/forwarder.js";
import type { Inspector } from "../inspector/index.js";
import { type Listener, type ListenerEvent, startListener } from "../listen/listener.js";
import type { ListenSummary } from "../listen/stats.js";
import { ngrokProvider } from "../listen/ngrok.js";
import { type TunnelEvent, TunnelKeeper, type TunnelProvider } from "../listen/tunnel.js";
import { listenerPrinter, renderSummary, renderTunnel } from "../output/listen.js";
import { listenSummaryRecord, readyRecord, tunnelRecord } from "../output/records.js";
import type { Reporter } from "../output/reporter.js";
import { describeUnmatchedPatterns, splitPatterns } from "../recall/catalog.js";
import { maskSecret } from "../webhook/secret.js";
import { Signer } from "../webhook/sign.js";
import { type CommandContext, reporterFor } from "./context.js";
import { parseUrl, requireSecret } from "./options.js";

export interface ListenCommandOptions {
  port: number;
  host: string;
  secret?: string;
  skipVerify?: boolean;
  tolerance: number;
  tunnel?: "ngrok" | "none";
  authtoken?: string;
  domain?: string;
  ngrokServerAddr?: string;
  publicUrl?: string;
  forwardTo?: string[];
  resendOwedTo?: string;
  events?: string[];
  save: string | boolean;
  passThrough?: boolean;
  maxBody: number;
  headerTimeout: number;
  bodyTimeout: number;
  forwardTimeout: number;
  retryBase: number;
  json?: boolean;
  pretty?: boolean;
  /** `--inspect` alone is true (the first free port from 4141). */
  inspect?: number | true;
  inspectHost?: string;
}

export interface ListenDeps {
  /** Replaces ngrok (tests pass a fake). */
  readonly tunnel?: TunnelProvider;
}

export async function runListen(options: ListenCommandOptions, ctx: CommandContext, deps: ListenDeps = {}): Promise<number> {
  const reporter = await reporterFor(ctx, options.json === true || (options.pretty !== true && ctx.stdout.isTTY !== true));
  reporter.startBatching();
  // Warnings wait until the listener is up: a usage error (a bad --host, say) comes alone.
  const warnings: string[] = [];
  const secret = options.secret !== undefined ? requireSecret(options.secret, (w) => warnings.push(w)) : null;
  const routes = parseRoutes(options.forwardTo ?? []);
  const events = (options.events ?? []).flatMap(splitPatterns);
  for (const line of describeUnmatchedPatterns(events)) reporter.warn(line);
  const journalPath = typeof options.save === "string" ? resolve(ctx.cwd, options.save) : null;
  const provider = chooseTunnel(options, deps, (w) => warnings.push(w));
  const givenUrl = options.publicUrl !== undefined ? parseUrl(options.publicUrl, "--public-url").href : null;
  const resendOwedTo = options.resendOwedTo !== undefined ? parseUrl(options.resendOwedTo, "--resend-owed-to") : null;
  if (resendOwedTo && journalPath === null) throw new UsageError("--resend-owed-to resends what the journal still owes: drop --no-save.");
  if (options.inspect !== undefined && journalPath === null) throw new UsageError("--inspect reads the journal: drop --no-save (or pass --save <file>).");
  if (options.host !== "127.0.0.1" && options.host !== "localhost" && options.host !== "::1") {
    warnings.push(`Listening on ${options.host}: other machines on your network can post to it. Use the default 127.0.0.1 unless you need that.`);
  }
  const interrupted = ctx.interruption();
  let inspect: ((event: ListenerEvent) => void) | null = null;
  let journaled: ((appended: Appended) => void) | null = null;
  const onJournaled = options.inspect !== undefined ? (appended: Appended): void => journaled?.(appended) : null;
  const listener = await start(options, { secret, routes, resendOwedTo, events, journalPath, reporter, ctx, onInspect: (event) => inspect?.(event), onJournaled });
  const self = [...routes.map((r) => ["--forward-to", r.url] as const), ...(resendOwedTo ? [["--resend-owed-to", resendOwedTo] as const] : [])].find(([, url]) => pointsAt(url, listener));
  if (self) {
    await listener.close();
    throw new UsageError(`${self[0]} ${self[1].href} is this listener itself (port ${listener.port}): forward to your app's port instead.`);
  }
  const inspector = options.inspect !== undefined ? await attachInspector(options, { secret, routes, journalPath: journalPath!, reporter, ctx }).catch(async (error: unknown) => { await listener.close(); throw error; }) : null;
  inspect = inspector ? (event) => inspector.onListenerEvent(event) : null;
  journaled = inspector ? (appended) => inspector.onJournaled(appended) : null;
  for (const warning of warnings) reporter.warn(warning);
  const tunnel = provider ? new TunnelKeeper({ provider, port: listener.port, onEvent: (e) => reportTunnel(e, reporter) }) : null;
  let summary: ListenSummary;
  try {
    const publicUrl = givenUrl ?? (await tunnel?.start()) ?? null;
    announce(listener, { inspectUrl: inspector?.url ?? null, publicUrl, secret: secret?.value ?? null, verifying: secret !== null && options.skipVerify !== true, routes, events, tunnelAsked: provider !== null }, reporter);
    // Owed forwards are said and sent after the ready record, never before it.
    await listener.resume();
    await interrupted;
    reporter.info(reporter.err.dim("Stopping: finishing requests under way and flushing the journal (Ctrl-C again to quit at once)..."));
  } finally {
    await tunnel?.close();
    summary = await listener.close();
    await inspector?.close();
  }
  if (reporter.json) reporter.record(listenSummaryRecord(summary));
  else for (const line of renderSummary(summary, reporter.out)) reporter.data(line);
  await reporter.flush();
  return 130;
}

/** Whether a forward target is the listener's own address and port (it would forward to itself forever). */
export function pointsAt(url: URL, listener: Pick<Listener, "host" | "port">): boolean {
  const port = url.port !== "" ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
  if (port !== listener.port) return false;
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const bound = listener.host.toLowerCase();
  const loopback = ["localhost", "127.0.0.1", "::1"];
  if (bound === "0.0.0.0" || bound === "::") {
    const local = Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((a) => a.address.toLowerCase()));
    return loopback.includes(host) || local.includes(host) || host === bound;
  }
  return host === bound || (loopback.includes(bound) && loopback.includes(host));
}

interface StartParts {
  readonly secret: ReturnType<typeof requireSecret> | null;
  readonly routes: ForwardRoute[];
  readonly resendOwedTo: URL | null;
  readonly events: string[];
  readonly journalPath: string | null;
  readonly reporter: Reporter;
  readonly ctx: CommandContext;
  /** The inspector's hook, once it is up (`listen --inspect`). */
  readonly onInspect: (event: ListenerEvent) => void;
  /** The inspector's view of the journal as it is written (`listen --inspect`): no reading it back. */
  readonly onJournaled: ((appended: Appended) => void) | null;
}

async function start(options: ListenCommandOptions, parts: StartParts): Promise<Listener> {
  const print = listenerPrinter(parts.reporter, { journaled: parts.journalPath !== null });
  try {
    return await startListener({
      host: options.host, port: options.port, signer: parts.secret ? new Signer(parts.secret) : null, skipVerify: options.skipVerify === true,
      toleranceSeconds: options.tolerance, journalPath: parts.journalPath, forward: parts.routes, passThrough: options.passThrough === true,
      events: parts.events, maxBodyBytes: options.maxBody, headerTimeoutMs: options.headerTimeout, requestTimeoutMs: options.bodyTimeout,
      forwardTimeoutMs: options.forwardTimeout, retryBaseMs: options.retryBase, now: parts.ctx.now, resendOwedTo: parts.resendOwedTo, deferResume: true,
      onEvent: (event) => { print(event); parts.onInspect(event); },
      ...(parts.onJournaled && { onJournaled: parts.onJournaled }),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") throw new UsageError(`Port ${options.port} is in use: pass --port 0 for a free one, or stop the other listener.`, { cause: error });
    if (code === "EACCES" && (error as { syscall?: string }).syscall === "listen") throw new UsageError(`Port ${options.port} needs privileges: use a port above 1023, or --port 0.`, { cause: error });
    if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") throw new UsageError(`Cannot bind ${options.host}: it is not an address of this machine. Use 127.0.0.1.`, { cause: error });
    // Any other failure to bind (EAI_AGAIN, EAFNOSUPPORT, ...): our words and node's code, not node's message.
    const syscall = (error as { syscall?: string }).syscall;
    if (syscall === "listen" || syscall === "bind" || syscall === "getaddrinfo") throw new UsageError(`Cannot listen on ${options.host} port ${options.port} (${code}): use --host 127.0.0.1 and --port 0.`, { cause: error });
    if (syscall === "read" || syscall === "open") throw new UsageError(`Cannot read the journal ${parts.journalPath} (${code}): pass --save <file> somewhere readable, or --no-save.`, { cause: error });
    throw error;
  }
}

/** `<url>` or `<glob>=<url>`. */
export function parseRoutes(values: readonly string[]): ForwardRoute[] {
  return values.map((value) => {
    if (/^(https?|wss?):\/\//i.test(value)) return { pattern: null, url: forwardUrl(value) };
    const at = value.indexOf("=");
    if (at <= 0) throw new UsageError(`--forward-to takes <url> or '<event glob>=<url>', not "${value}": for example --forward-to 'bot.*=http://localhost:3000/hooks'.`);
    return { pattern: value.slice(0, at).trim(), url: forwardUrl(value.slice(at + 1).trim()) };
  });
}

/** http(s):// takes the POSTs; ws(s):// takes the WebSocket frames, relayed byte for byte. */
function forwardUrl(value: string): URL {
  if (!/^wss?:\/\//i.test(value)) return parseUrl(value, "--forward-to");
  try {
    return new URL(value);
  } catch {
    throw new UsageError(`--forward-to takes a full URL such as ws://localhost:3000/realtime, not "${value}".`);
  }
}

function chooseTunnel(options: ListenCommandOptions, deps: ListenDeps, warn: (warning: string) => void): TunnelProvider | null {
  if (options.publicUrl !== undefined || options.tunnel === "none") return null;
  if (deps.tunnel) return deps.tunnel;
  const token = options.authtoken?.trim();
  if (!token) {
    if (options.tunnel === "ngrok" || options.domain !== undefined) {
      warn("--tunnel ngrok needs NGROK_AUTHTOKEN (https://dashboard.ngrok.com/get-started/your-authtoken); serving locally only.");
    }
    return null;
  }
  return ngrokProvider({
    authtoken: token,
    ...(options.domain !== undefined && { domain: options.domain }),
    ...(options.ngrokServerAddr !== undefined && { serverAddr: options.ngrokServerAddr }),
  });
}

function reportTunnel(event: TunnelEvent, reporter: Reporter): void {
  if (reporter.json) reporter.record(tunnelRecord(event));
  else reporter.info(renderTunnel(event, reporter.err));
}

/** `listen --inspect`: the inspector beside the listener, reading the journal the listener writes. */
async function attachInspector(options: ListenCommandOptions, parts: Omit<StartParts, "events" | "onInspect" | "onJournaled" | "resendOwedTo" | "journalPath"> & { readonly journalPath: string }): Promise<Inspector> {
  const { openInspector } = await import("./inspect-run.js");
  return openInspector({
    journalPath: parts.journalPath, host: options.inspectHost ?? "127.0.0.1", signer: parts.secret ? new Signer(parts.secret) : null, toleranceSeconds: options.tolerance,
    targets: parts.routes.map((r) => r.url.href), fixturesDir: resolve(parts.ctx.cwd, ".recall-hooks/fixtures"), mode: "live", now: parts.ctx.now,
  }, options.inspect === true ? undefined : options.inspect, parts.reporter);
}

interface Announcement {
  readonly inspectUrl: string | null;
  readonly publicUrl: string | null;
  readonly secret: string | null;
  readonly verifying: boolean;
  readonly routes: readonly ForwardRoute[];
  readonly events: readonly string[];
  readonly tunnelAsked: boolean;
}

function announce(listener: Listener, a: Announcement, reporter: Reporter): void {
  const forwardTo = a.routes.map((r) => (r.pattern ? `${r.pattern}=${r.url.href}` : r.url.href));
  if (reporter.json) {
    const inspect = a.inspectUrl !== null ? { inspectUrl: a.inspectUrl } : {};
    reporter.record(readyRecord({ ...inspect, localUrl: listener.url, pid: process.pid, publicUrl: a.publicUrl, verify: a.verifying, journal: listener.journalPath, forwardTo, events: a.events }));
  }
  const s = reporter.err;
  const lines = [`${s.bold("recall-hooks")} listening on ${s.cyan(listener.url)} ${s.dim("(POST or WebSocket, any path)")}`];
  if (a.publicUrl) {
    lines.push(`  public URL   ${s.cyan(a.publicUrl)}`);
    lines.push(`               paste it in Recall's dashboard: Webhooks > Add Endpoint, at https://<region>.recall.ai/dashboard/webhooks/ (us-east-1, us-west-2, eu-central-1, ap-northeast-1)`);
  } else if (!a.tunnelAsked) {
    lines.push(`  public URL   ${s.dim("none: set NGROK_AUTHTOKEN for an ngrok tunnel, or pass --public-url for a tunnel you run yourself")}`);
  }
  lines.push(`  verifying    ${a.verifying ? `webhook-* and svix-* signatures, secret ${maskSecret(a.secret!)}` : s.yellow(a.secret ? "off (--skip-verify)" : "off: no secret")}`);
  lines.push(`  journal      ${listener.journalPath ?? s.dim("off (--no-save)")}`);
  if (a.inspectUrl) lines.push(`  inspector    ${s.cyan(a.inspectUrl)}`);
  if (forwardTo.length) lines.push(`  forwarding   ${forwardTo.join(", ")}`);
  if (a.events.length) lines.push(`  events       ${a.events.join(", ")}`);
  lines.push(s.dim("Ctrl-C to stop."));
  for (const line of lines) reporter.info(line);
  if (!a.verifying && !a.secret) {
    const loud = a.publicUrl !== null ? " Your public URL is open: anyone who has it can post fake events." : "";
    reporter.warn(`No secret: every delivery is accepted and marked unverified. Pass --secret or set RECALL_WEBHOOK_SECRET (Recall: Developers > API Keys & Secrets).${loud}`);
  }
}
