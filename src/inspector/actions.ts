import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Dispatcher } from "undici";
import { readSignatureHeaders, stripHopByHop, type HeaderFamily } from "../webhook/headers.js";
import { type Signer, unixSeconds } from "../webhook/sign.js";
import { deliver, hintFor } from "../webhook/deliver.js";
import { type InspectorErrorCode, RecallHooksError } from "../errors.js";

export type ReplayMode = "original" | "same_id" | "new_id" | "edited";

export interface Source {
  readonly id: string | null;
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
}

/** A request the inspector will send: signed here, on the server, so the secret never reaches the page. */
export interface Outgoing {
  readonly id: string | null;
  readonly timestamp: number | null;
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
  readonly modified: boolean;
}

/**
 * A page's request the inspector cannot carry out. It never reaches the command line: the server
 * answers it as JSON ({error, code}) with the HTTP status its code maps to, and the page shows the message.
 */
export class ActionError extends RecallHooksError {
  readonly status: number;

  constructor(code: InspectorErrorCode, message: string) {
    super(code, message);
    this.status = code === "E_INSPECT_GONE" ? 404 : 400;
  }
}

/** The request for a replay mode: the original bytes and headers, or freshly signed (same id, new id, edited body). */
export function prepare(source: Source, mode: ReplayMode, signer: Signer | null, nowMs: number, editedBody?: string): Outgoing {
  if (mode === "original") {
    return { id: source.id, timestamp: null, headers: stripHopByHop(source.headers), body: source.body, modified: false };
  }
  if (signer === null) throw new ActionError("E_INSPECT_NO_SECRET", "The inspector has no secret to sign with: start it with --secret (or RECALL_WEBHOOK_SECRET), or re-forward the original.");
  const id = mode === "new_id" || source.id === null ? `msg_${randomBytes(12).toString("base64url")}` : source.id;
  const body = mode === "edited" ? Buffer.from(editedBody ?? "", "utf8") : source.body;
  const family: HeaderFamily = readSignatureHeaders(source.headers).family ?? "webhook";
  const timestamp = unixSeconds(nowMs);
  const signed = signer.sign(id, timestamp, body, family);
  return { id, timestamp, headers: { "content-type": "application/json", ...signed.headers }, body, modified: mode === "edited" && !body.equals(source.body) };
}

/** Where a replay may go: a configured target, or one the user typed and confirmed. Nothing else (no open relay). */
export function checkTarget(target: unknown, configured: readonly string[], confirmed: boolean): URL {
  if (typeof target !== "string") throw new ActionError("E_INSPECT_TARGET", "Pick a target: one of the configured ones, or type a URL and confirm it.");
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new ActionError("E_INSPECT_TARGET", `"${target}" is not a URL: write it as http://localhost:3000/webhooks.`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new ActionError("E_INSPECT_TARGET", "Only http and https targets.");
  if (!configured.includes(url.href) && !confirmed) throw new ActionError("E_INSPECT_TARGET", `${url.href} is not a configured target: confirm it to send there.`);
  return url;
}

export async function send(out: Outgoing, url: URL, dispatcher?: Dispatcher): Promise<Record<string, unknown>> {
  const result = await deliver({ url, headers: out.headers, body: out.body, timeoutMs: 15_000, ...(dispatcher && { dispatcher }) });
  return {
    target: url.href, id: out.id, timestamp: out.timestamp, modified: out.modified, ok: result.ok, status: result.status,
    latency_ms: Math.round(result.latencyMs), error: result.errorMessage, body: result.ok ? undefined : result.body,
    hint: result.ok ? null : hintFor(result, url.href),
  };
}

/** A curl command that sends this request (signed on the server, valid for the tolerance window). */
export function curlCommand(out: Outgoing, url: string): string {
  const parts = ["curl", "-sS", "-X", "POST", shellQuote(url)];
  for (const [name, value] of Object.entries(out.headers)) {
    for (const v of Array.isArray(value) ? value : [value]) parts.push("-H", shellQuote(`${name}: ${v}`));
  }
  parts.push("--data-binary", shellQuote(out.body.toString("utf8")));
  return parts.join(" ");
}

/** A `recall-hooks replay` command line: the capture on stdin, re-signed at send time. */
export function replayCommand(source: Source, url: string): string {
  const capture = JSON.stringify({ headers: source.headers, body: source.body.toString("utf8") });
  return `printf '%s' ${shellQuote(capture)} | recall-hooks replay - --to ${shellQuote(url)}`;
}

export function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Saves a delivery as a capture file (`{headers, body}`), which replay and verify read. */
export async function saveFixture(dir: string, source: Source, event: string | null): Promise<string> {
  await mkdir(dir, { recursive: true });
  const name = `${(event ?? "delivery").replace(/[^\w.-]/g, "_")}-${(source.id ?? "noid").replace(/[^\w-]/g, "_").slice(-24)}.json`;
  const path = join(dir, name);
  await writeFile(path, `${JSON.stringify({ headers: source.headers, body: source.body.toString("utf8") }, null, 2)}\n`);
  return path;
}
