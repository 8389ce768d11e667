import { UsageError } from "../errors.js";
import { type CommandContext, reporterFor } from "./context.js";
import { parseUrl } from "./options.js";

export interface EmulateCtlOptions {
  url: string;
  subCode?: string;
  bot?: string;
  event?: string;
  json?: boolean;
}

// `emulate ctl`: the control API of a running emulator, from the command line.

export async function runEmulateCtl(action: string, args: readonly string[], options: EmulateCtlOptions, ctx: CommandContext): Promise<number> {
  const reporter = await reporterFor(ctx, options.json === true);
  const base = parseUrl(options.url, "--url");
  const { method, path, body } = requestFor(action, args, options);
  const url = new URL(path, base);
  let response: Response;
  try {
    response = await fetch(url, { method, ...(body !== undefined && { body: JSON.stringify(body), headers: { "content-type": "application/json" } }) });
  } catch {
    reporter.info(`${reporter.err.red("error:")} No emulator answers at ${base.origin}: start one with \`recall-hooks emulate\`, or pass --url.`);
    return 1;
  }
  const text = await response.text();
  if (!response.ok) {
    reporter.info(`${reporter.err.red("error:")} The emulator answered ${response.status} to ${method} ${url.pathname}: ${text.slice(0, 300)}`);
    return 1;
  }
  const value = JSON.parse(text) as unknown;
  if (reporter.json) reporter.record(value);
  else for (const line of render(action, value)) reporter.data(line);
  return 0;
}

function requestFor(action: string, args: readonly string[], options: EmulateCtlOptions): { method: string; path: string; body?: unknown } {
  switch (action) {
    case "reset": return { method: "POST", path: "/_emulator/reset" };
    case "bots": return { method: "GET", path: "/_emulator/bots" };
    case "deliveries": {
      const query = new URLSearchParams();
      if (options.bot !== undefined) query.set("bot_id", options.bot);
      if (options.event !== undefined) query.set("event", options.event);
      return { method: "GET", path: `/_emulator/deliveries${query.size > 0 ? `?${query}` : ""}` };
    }
    case "push": {
      const [bot, code] = args;
      if (bot === undefined || code === undefined) throw new UsageError("push takes <bot-id> <status>: for example `emulate ctl push <bot-id> call_ended --sub-code bot_kicked_from_call`.");
      return { method: "POST", path: `/_emulator/bot/${encodeURIComponent(bot)}/status`, body: { code, sub_code: options.subCode ?? null } };
    }
    default: throw new UsageError(`unknown ctl action "${action}": use reset, push, bots or deliveries.`);
  }
}

function render(action: string, value: unknown): string[] {
  if (action === "reset") return ["reset: every bot and delivery forgotten"];
  if (action === "push") {
    const v = value as { id: string; status: string };
    return [`${v.id}  ${v.status}`];
  }
  if (!Array.isArray(value)) return [JSON.stringify(value)];
  if (action === "bots") return value.map((b: { id: string; status: string | null; scenario: string }) => `${b.id}  ${(b.status ?? "ready").padEnd(22)} ${b.scenario}`);
  return value.map((d: { event: string; bot_id: string; status: number | null; attempt: number; url: string; error: string | null }) =>
    `${d.event.padEnd(30)} ${d.bot_id.slice(0, 8)}  ${d.status ?? d.error}  attempt ${d.attempt}  ${d.url}`);
}
