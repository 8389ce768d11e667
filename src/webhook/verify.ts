import { sameBytes } from "./crypto.js";
import { type HeaderFamily, type HeaderInput, readSignatureHeaders, type SignatureHeaders } from "./headers.js";
import { type ParsedSecret, parseSecret } from "./secret.js";
import { Signer, bodyText } from "./sign.js";

export const DEFAULT_TOLERANCE_SECONDS = 300;

/** Which check a delivery failed. */
export type VerificationReason =
  | "missing_headers"
  | "malformed_headers"
  | "bad_secret"
  | "no_matching_signature"
  | "timestamp_too_old"
  | "timestamp_too_new"
  | "body_changed";

export interface VerifyOptions {
  /** `whsec_...`, bare base64, a parsed secret or a Signer (reused across deliveries). */
  readonly secret: string | ParsedSecret | Signer;
  readonly headers: HeaderInput;
  /** The raw body exactly as received. */
  readonly body: string | Uint8Array;
  /** Seconds either way; default 300 as in svix. */
  readonly toleranceSeconds?: number;
  readonly ignoreTimestamp?: boolean;
  /** The clock, in milliseconds. */
  readonly now?: () => number;
}

export interface VerifyResult {
  readonly valid: boolean;
  /** The header family seen, or null. */
  readonly scheme: HeaderFamily | null;
  readonly reason: "valid" | VerificationReason;
  /** One sentence: what was seen and what to do. Never contains the expected signature. */
  readonly message: string;
  readonly id: string | null;
  readonly timestamp: number | null;
  /** now - timestamp, in seconds, when a timestamp was read. */
  readonly skewSeconds: number | null;
}

/**
 * Verifies a delivery like svix does, but with our own clock and tolerance: the expected signature
 * is computed as svix's Webhook.sign computes it (Signer) and each offered `v1` signature is
 * compared in constant time.
 * The signature is checked before the timestamp so that an old capture with a good signature is
 * reported as old, not as forged.
 */
export function verify(options: VerifyOptions): VerifyResult {
  const seen = readSignatureHeaders(options.headers);
  const timestamp = seen.timestamp !== null && isUnixSeconds(seen.timestamp) ? Number(seen.timestamp) : NaN;
  const v1 = seen.signatures.filter((s) => s.startsWith("v1,"));
  const problem = headerProblem(seen, timestamp, v1);
  if (problem !== null) return problem;
  let signer: Signer;
  try {
    signer = options.secret instanceof Signer ? options.secret : new Signer(options.secret);
  } catch (error) {
    return fail(undated(seen), "bad_secret", error instanceof Error ? error.message : String(error));
  }
  const nowSeconds = Math.floor((options.now ?? Date.now)() / 1000);
  const id = seen.id!;
  if (!matchesAny(signer, id, timestamp, options.body, v1)) {
    const dated = { ...undated(seen), timestamp, skewSeconds: nowSeconds - timestamp };
    // Decoded only on failure: a valid delivery's bytes are hashed as they came.
    const text = bodyText(options.body);
    if (variantsOf(text).some((variant) => matchesAny(signer, id, timestamp, variant, v1))) {
      return fail(dated, "body_changed",
        "The signature matches a differently formatted copy of this body: the body was parsed and re-serialised (or its whitespace changed) after signing. Verify the raw bytes.");
    }
    return fail(dated, "no_matching_signature", noMatchMessage(seen.family!));
  }
  const skew = nowSeconds - timestamp;
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (!options.ignoreTimestamp) {
    if (skew > tolerance) {
      return fail({ ...undated(seen), timestamp, skewSeconds: skew }, "timestamp_too_old",
        `Signature matches, but the timestamp is ${formatSkew(skew)} old (tolerance ${tolerance} s): a replayed or delayed delivery. Pass --ignore-timestamp to check the signature alone.`);
    }
    if (-skew > tolerance) {
      return fail({ ...undated(seen), timestamp, skewSeconds: skew }, "timestamp_too_new",
        `Signature matches, but the timestamp is ${formatSkew(-skew)} in the future (tolerance ${tolerance} s): check this machine's clock.`);
    }
  }
  // No object spread on this path: the spread was most of verify's own time per delivery.
  return { scheme: seen.family, id, timestamp, skewSeconds: skew, valid: true, reason: "valid", message: seen.family === "webhook" ? VALID_WEBHOOK : VALID_SVIX };
}

const VALID_WEBHOOK = "Valid webhook-* signature.";
const VALID_SVIX = "Valid svix-* signature.";

/** 1 to 15 ASCII digits (what /^\d{1,15}$/ accepts), without a regular expression per delivery. */
function isUnixSeconds(text: string): boolean {
  if (text.length === 0 || text.length > 15) return false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

function undated(seen: SignatureHeaders): Omit<VerifyResult, "valid" | "reason" | "message"> {
  return { scheme: seen.family, id: seen.id, timestamp: null, skewSeconds: null };
}

/** Why the headers cannot be checked, the first problem in the order a reader meets them; null when they can. */
function headerProblem(seen: SignatureHeaders, timestamp: number, v1: readonly string[]): VerifyResult | null {
  if (seen.family === null) {
    return fail(undated(seen), "missing_headers",
      "No webhook-* or svix-* signature headers: Recall sends them only once a workspace verification secret exists (Developers > API Keys & Secrets).");
  }
  if (seen.missing.length > 0) {
    return fail(undated(seen), "missing_headers", `Missing ${seen.missing.join(", ")}: all three ${seen.family}-* headers are needed.`);
  }
  if (seen.conflicting.length > 0) {
    return fail(undated(seen), "malformed_headers", `${seen.conflicting.join(", ")} given twice with different values.`);
  }
  if (!Number.isSafeInteger(timestamp)) {
    return fail(undated(seen), "malformed_headers", `${seen.family}-timestamp is not Unix seconds: "${clip(seen.timestamp ?? "")}".`);
  }
  if (v1.length === 0) {
    return fail(undated(seen), "malformed_headers",
      `${seen.family}-signature has no v1 entry (expected "v1,<base64>", got "${clip(seen.signatures.join(" "))}").`);
  }
  return null;
}

function matchesAny(signer: Signer, id: string, timestamp: number, body: string | Uint8Array, offered: readonly string[]): boolean {
  const expected = signer.digest(id, timestamp, body);
  let found = false;
  for (const entry of offered) {
    const candidate = Buffer.from(entry.slice(3), "base64");
    // Keep comparing after a match so the time taken does not say which entry matched.
    if (candidate.length === expected.length && sameBytes(candidate, expected)) found = true;
  }
  return found;
}

/** Ways a JSON body is commonly altered between the sender and the check. */
function variantsOf(body: string): string[] {
  const variants = new Set<string>();
  variants.add(body.trimEnd());
  variants.add(`${body}\n`);
  variants.add(body.replace(/\r\n/g, "\n"));
  if (body.length <= 1024 * 1024) {
    try {
      const value: unknown = JSON.parse(body);
      variants.add(JSON.stringify(value));
      variants.add(JSON.stringify(value, null, 2));
      variants.add(JSON.stringify(value, null, 4));
      variants.add(JSON.stringify(value).replace(/":/g, '": ').replace(/,"/g, ', "'));
    } catch {
      // Not JSON: only the whitespace variants apply.
    }
  }
  variants.delete(body);
  return [...variants];
}

function noMatchMessage(family: HeaderFamily): string {
  const which =
    family === "svix"
      ? "svix-* headers come from a legacy workspace: use the endpoint's own secret (Webhooks > your endpoint > Signing Secret), not the workspace secret"
      : "webhook-* headers are signed with the workspace secret (Developers > API Keys & Secrets) of the same region";
  return `No signature matches this secret and body: the secret is wrong or the body differs from what was signed. ${which}.`;
}

function fail(
  base: Omit<VerifyResult, "valid" | "reason" | "message">,
  reason: VerificationReason,
  message: string,
): VerifyResult {
  return { ...base, valid: false, reason, message };
}

export function formatSkew(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} days`;
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
