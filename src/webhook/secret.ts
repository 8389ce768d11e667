import { RecallHooksError } from "../errors.js";
import { fillRandom } from "./crypto.js";

const PREFIX = "whsec_";
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export interface ParsedSecret {
  /** The secret as svix takes it: `whsec_` + base64. */
  readonly value: string;
  /** The HMAC key: the base64-decoded bytes after the prefix. */
  readonly key: Buffer;
  /** Things the user should hear about (whitespace trimmed); the caller prints them. */
  readonly warnings: readonly string[];
}

const WHERE =
  "copy it from Recall's dashboard (Developers > API Keys & Secrets, or the endpoint's page under Webhooks on legacy workspaces)";

/**
 * Reads a signing secret: `whsec_` + base64, or bare base64. Empty or non-base64 input throws
 * (E_SECRET_*) with where to find a good one; whitespace around it is trimmed with a warning.
 */
export function parseSecret(raw: string): ParsedSecret {
  const warnings: string[] = [];
  let text = raw;
  // A secret pasted from a dashboard or a file often brings a space or a newline along.
  const trimmed = raw.trim();
  if (trimmed !== raw && trimmed !== "") {
    warnings.push("The secret had whitespace around it; it was trimmed.");
    text = trimmed;
  }
  if (text.trim() === "" || text === PREFIX) {
    throw new RecallHooksError("E_SECRET_EMPTY", `The secret is empty: ${WHERE}.`);
  }
  const body = text.startsWith(PREFIX) ? text.slice(PREFIX.length) : text;
  if (!BASE64.test(body) || body.length % 4 !== 0) {
    const masked = maskSecret(text);
    throw new RecallHooksError("E_SECRET_NOT_BASE64", `The secret is not \`whsec_\` followed by base64 (${masked}): ${WHERE}.`, { masked });
  }
  const key = Buffer.from(body, "base64");
  if (key.length === 0) {
    throw new RecallHooksError("E_SECRET_NO_BYTES", `The secret decodes to no bytes: ${WHERE}.`);
  }
  return { value: PREFIX + body, key, warnings };
}

/** A secret as it may be shown: the prefix and four characters, never more. */
export function maskSecret(secret: string): string {
  const body = secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret;
  const prefix = secret.startsWith(PREFIX) ? PREFIX : "";
  if (body.length <= 8) return `${prefix}${"•".repeat(Math.max(body.length, 4))}`;
  return `${prefix}${body.slice(0, 4)}${"•".repeat(8)}`;
}

/** A new secret as Svix makes them, but with 32 random bytes. */
export function generateSecret(random: (size: number) => Buffer = (size) => fillRandom(Buffer.alloc(size))): string {
  return PREFIX + random(32).toString("base64");
}
