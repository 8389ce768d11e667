import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { UsageError } from "../errors.js";
import { parseSecret, type ParsedSecret } from "../webhook/secret.js";
import { type CommandContext, readAll } from "./context.js";

/** `--metadata k=v` entries as an object. */
export function parseMetadata(entries: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of entries ?? []) {
    const at = entry.indexOf("=");
    if (at <= 0) throw new UsageError(`--metadata takes key=value, not "${entry}": for example --metadata user_id=42.`);
    out[entry.slice(0, at)] = entry.slice(at + 1);
  }
  return out;
}

/** `--header "name: value"` entries as a list of pairs (repeats kept). */
export function parseHeaderArgs(entries: readonly string[] | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const entry of entries ?? []) {
    const at = entry.indexOf(":");
    if (at <= 0) throw new UsageError(`--header takes "name: value", not "${entry}": for example --header "webhook-id: msg_123".`);
    const name = entry.slice(0, at).trim().toLowerCase();
    (out[name] ??= []).push(entry.slice(at + 1).trim());
  }
  return out;
}

/** The secret from --secret or RECALL_WEBHOOK_SECRET; warnings go to the caller's log. */
export function requireSecret(value: string | undefined, warn: (line: string) => void): ParsedSecret {
  if (value === undefined) {
    throw new UsageError("No signing secret: pass --secret whsec_... or set RECALL_WEBHOOK_SECRET (`recall-hooks secret` makes a new one).");
  }
  const parsed = parseSecret(value);
  for (const w of parsed.warnings) warn(w.replace(/^The secret/, "The secret from --secret/RECALL_WEBHOOK_SECRET"));
  return parsed;
}

/** A file's bytes, or stdin's for "-". Unreadable input is a usage error that names the path. */
export async function readInput(path: string, ctx: CommandContext): Promise<Buffer> {
  if (path === "-") return readAll(ctx.stdin);
  try {
    // Synchronous: one input file, and node:fs/promises would cost start-up time (npm run bench).
    return readFileSync(resolve(ctx.cwd, path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a folder" : code ?? String(error);
    throw new UsageError(`Cannot read ${path}: ${why}. Check the path, or pass - to read standard input.`, { cause: error });
  }
}

/** A URL for requests: http or https only. */
export function parseUrl(value: string, option: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${option} takes a full URL such as http://localhost:3000/webhooks/recall, not "${value}".`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`${option} takes an http:// or https:// URL, not "${value}".`);
  }
  return url;
}
