import { findCode, findEvent, findSubCode } from "../recall/catalog.js";
import type { ParsedEvent } from "../recall/types.js";
import { readSignatureHeaders } from "../webhook/headers.js";
import { maskSecret } from "../webhook/secret.js";
import type { Signer } from "../webhook/sign.js";
import { formatSkew, verify } from "../webhook/verify.js";

export type CheckState = "pass" | "fail" | "skip" | "unknown";

export interface Check {
  readonly name: string;
  readonly state: CheckState;
  readonly detail: string;
}

export interface CheckOptions {
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
  readonly signer: Signer | null;
  readonly toleranceSeconds: number;
  /** When it arrived: the timestamp is judged as the listener judged it, not against today. */
  readonly receivedAt: number;
}

// verify()'s reasons in the order it checks, each naming the check it failed.
const ORDER = ["headers", "complete", "timestamp", "v1", "secret", "signature", "fresh"] as const;
const FAILED_AT: Record<string, (typeof ORDER)[number]> = {
  missing_headers: "headers", malformed_headers: "timestamp", bad_secret: "secret", no_matching_signature: "signature",
  body_changed: "signature", timestamp_too_old: "fresh", timestamp_too_new: "fresh",
};

/**
 * The verification checklist of one delivery: each check svix makes, in its order, with the one that
 * failed and why. It never shows the signature it expected (design.md §4).
 */
export function verificationChecklist(o: CheckOptions): Check[] {
  const seen = readSignatureHeaders(o.headers);
  const v1 = seen.signatures.filter((s) => s.startsWith("v1,")).length;
  const facts: Record<(typeof ORDER)[number], [string, string]> = {
    headers: ["Signature headers present", seen.family ? `${seen.family}-* headers` : "no webhook-* or svix-* headers: Recall sends them only once a workspace secret exists (Developers > API Keys & Secrets)"],
    complete: ["id, timestamp and signature all given", seen.missing.length ? `missing ${seen.missing.join(", ")}` : seen.conflicting.length ? `${seen.conflicting.join(", ")} given twice` : `id ${seen.id ?? "?"}`],
    timestamp: ["Timestamp is Unix seconds", seen.timestamp ?? "none"],
    v1: ["A v1 signature offered", `${v1} v1 signature${v1 === 1 ? "" : "s"} offered (one match is enough)`],
    secret: ["Secret known", o.signer ? `${maskSecret(o.signer.secret.value)} (the page never receives it)` : "no secret: pass --secret (or RECALL_WEBHOOK_SECRET) to check signatures"],
    signature: ["Signature matches the exact bytes", `HMAC-SHA256 over id.timestamp.body (${o.body.length} bytes)`],
    fresh: ["Timestamp within tolerance", `tolerance ${o.toleranceSeconds} s`],
  };
  if (!o.signer) {
    const missing = seen.family === null || seen.missing.length > 0;
    return ORDER.map((k, i) => ({
      name: facts[k][0], detail: facts[k][1],
      state: k === "headers" ? (seen.family ? "pass" : "fail") : k === "complete" && !missing ? "pass" : k === "secret" ? "unknown" : i > 4 ? "skip" : missing ? "skip" : "pass",
    }));
  }
  const result = verify({ secret: o.signer, headers: o.headers, body: o.body, toleranceSeconds: o.toleranceSeconds, now: () => o.receivedAt });
  let failed: (typeof ORDER)[number] | null = result.valid ? null : (FAILED_AT[result.reason] ?? "signature");
  if (result.reason === "missing_headers" && seen.family !== null) failed = "complete";
  if (result.reason === "malformed_headers" && /has no v1/.test(result.message)) failed = "v1";
  if (result.reason === "malformed_headers" && /given twice/.test(result.message)) failed = "complete";
  const at = failed === null ? ORDER.length : ORDER.indexOf(failed);
  return ORDER.map((k, i) => {
    const [name, fact] = facts[k];
    if (i < at) return { name, state: "pass" as const, detail: k === "fresh" && result.skewSeconds !== null ? `${formatSkew(Math.abs(result.skewSeconds))} ${result.skewSeconds < 0 ? "ahead" : "old"} at arrival; ${fact}` : fact };
    if (i === at) return { name, state: "fail" as const, detail: failDetail(result.reason, result.message) };
    return { name, state: "skip" as const, detail: "not checked" };
  });
}

function failDetail(reason: string, message: string): string {
  return reason === "body_changed" ? `body changed: ${message}` : message;
}

export interface CatalogNote {
  readonly label: string;
  readonly value: string;
  readonly meaning: string;
}

/** What the catalog says of the event, its code and its sub code; unknown ones say so (Recall's sets are open). */
export function catalogNotes(p: ParsedEvent): CatalogNote[] {
  const notes: CatalogNote[] = [];
  if (p.event !== null) {
    const e = findEvent(p.event);
    notes.push({ label: "event", value: p.event, meaning: e ? `${e.description}${e.basis === "legacy" ? " (legacy event)" : ""}` : "not in catalog, passed through" });
  } else {
    notes.push({ label: "event", value: p.kind === "text" ? "(not JSON)" : "(no event)", meaning: "not a Recall event: journaled and forwarded as it came" });
  }
  if (p.code !== null && p.info?.code !== p.code) {
    const c = findCode(p.code);
    notes.push({ label: "code", value: p.code, meaning: c ? c.description : "not in catalog, passed through" });
  }
  if (p.subCode !== null) {
    const s = findSubCode(p.subCode, p.code);
    notes.push({ label: "sub code", value: p.subCode, meaning: s ? `${s.description} (${s.platform})` : "not in catalog, passed through" });
  }
  if (p.message) notes.push({ label: "message", value: p.message, meaning: "as sent" });
  return notes;
}
