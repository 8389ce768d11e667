/** Signature headers come in two families that carry the same three values. */
export type HeaderFamily = "webhook" | "svix";
export type HeaderChoice = HeaderFamily | "both";

/** Anything header-shaped: node's IncomingHttpHeaders, a plain object, or a Headers instance. */
export type HeaderInput =
  | Readonly<Record<string, string | readonly string[] | undefined>>
  | { forEach(callback: (value: string, name: string) => void): void };

export interface SignatureHeaders {
  /** Which family carried the values, or null when neither did. */
  readonly family: HeaderFamily | null;
  readonly id: string | null;
  readonly timestamp: string | null;
  /** Every signature entry offered, from every header instance, split on spaces. */
  readonly signatures: readonly string[];
  /** The names expected but not present, in the family that was seen (or the webhook-* names). */
  readonly missing: readonly string[];
  /** A value given twice with different contents (two webhook-id headers, say). */
  readonly conflicting: readonly string[];
}

const PARTS = ["id", "timestamp", "signature"] as const;

/** Lower-cases names and keeps every value of repeated headers. */
export function normalizeHeaders(input: HeaderInput): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (name: string, value: string): void => {
    const key = name.toLowerCase();
    const list = out.get(key);
    if (list) list.push(value);
    else out.set(key, [value]);
  };
  if (typeof (input as { forEach?: unknown }).forEach === "function" && !isPlainRecord(input)) {
    (input as { forEach(cb: (v: string, n: string) => void): void }).forEach((value, name) => add(name, value));
    return out;
  }
  for (const [name, value] of Object.entries(input as Record<string, string | readonly string[] | undefined>)) {
    if (value === undefined) continue;
    if (typeof value === "string") add(name, value);
    else for (const v of value) add(name, v);
  }
  return out;
}

function isPlainRecord(value: unknown): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Reads id, timestamp and signatures. `webhook-*` wins over `svix-*` as in Recall's own verifier;
 * a family counts as present when any of its three headers is.
 */
export function readSignatureHeaders(input: HeaderInput): SignatureHeaders {
  const usual = input instanceof Map || !isPlainRecord(input) ? null : usualWebhookHeaders(input as Readonly<Record<string, unknown>>);
  if (usual !== null) return usual;
  const headers = input instanceof Map ? (input as Map<string, string[]>) : signatureFamilies(input);
  const has = (family: HeaderFamily): boolean => PARTS.some((p) => headers.has(`${family}-${p}`));
  const family: HeaderFamily | null = has("webhook") ? "webhook" : has("svix") ? "svix" : null;
  const prefix = family ?? "webhook";
  const missing: string[] = [];
  const conflicting: string[] = [];
  const single = (part: string): string | null => {
    const name = `${prefix}-${part}`;
    const values = headers.get(name);
    const first = values?.[0]?.trim();
    if (values === undefined || (values.length === 1 ? first === "" : values.every((v) => v.trim() === ""))) {
      missing.push(name);
      return null;
    }
    if (values.length > 1 && new Set(values.map((v) => v.trim())).size > 1) conflicting.push(name);
    return first!;
  };
  const id = single("id");
  const timestamp = single("timestamp");
  const signatureValues = headers.get(`${prefix}-signature`) ?? [];
  if (signatureValues.every((v) => v.trim() === "")) missing.push(`${prefix}-signature`);
  const signatures: string[] = [];
  for (const value of signatureValues) splitSignatures(value, signatures);
  return { family, id, timestamp, signatures, missing, conflicting };
}

const NONE: readonly string[] = Object.freeze([]);

/**
 * What Recall sends, read from a record without building the general path's map: each of the three
 * webhook-* headers once, under its lower-case name, and not blank. null for anything else (a name
 * in another case, a repeated header, a blank value), which the general path reads, to the same
 * answer (test/webhook-verify.test.ts). The listener's records are all lower case.
 */
function usualWebhookHeaders(record: Readonly<Record<string, unknown>>): SignatureHeaders | null {
  let id: unknown;
  let timestamp: unknown;
  let signature: unknown;
  for (const name in record) {
    const first = name.charCodeAt(0) | 0x20;
    if (first !== 0x77) continue; // "w": svix-* does not count once webhook-* is there
    if (name === "webhook-id") id = record[name];
    else if (name === "webhook-timestamp") timestamp = record[name];
    else if (name === "webhook-signature") signature = record[name];
    else if (name.toLowerCase().startsWith("webhook-")) return null;
  }
  if (typeof id !== "string" || typeof timestamp !== "string" || typeof signature !== "string") return null;
  const idText = id.trim();
  const timestampText = timestamp.trim();
  const signatures: string[] = [];
  splitSignatures(signature, signatures);
  if (idText === "" || timestampText === "" || signatures.length === 0) return null;
  return { family: "webhook", id: idText, timestamp: timestampText, signatures, missing: NONE, conflicting: NONE };
}

/**
 * Node joins repeated unknown headers with ", "; entries themselves contain a comma, so split on
 * spaces and strip the joining comma rather than splitting on commas.
 */
function splitSignatures(value: string, into: string[]): void {
  for (const entry of value.split(/\s+/)) {
    const clean = entry.endsWith(",") ? entry.slice(0, -1) : entry;
    if (clean !== "") into.push(clean);
  }
}

/**
 * Like normalizeHeaders, but keeps only the `webhook-*` and `svix-*` names: the listener reads
 * these on every delivery, and copying every other header cost it more than the check itself.
 */
function signatureFamilies(input: HeaderInput): Map<string, string[]> {
  if (typeof (input as { forEach?: unknown }).forEach === "function" && !isPlainRecord(input)) return normalizeHeaders(input);
  const out = new Map<string, string[]>();
  const record = input as Readonly<Record<string, string | readonly string[] | undefined>>;
  for (const name in record) {
    const first = name.charCodeAt(0) | 0x20;
    if (first !== 0x77 && first !== 0x73) continue; // "w" or "s"
    const key = name.toLowerCase();
    if (!key.startsWith("webhook-") && !key.startsWith("svix-")) continue;
    const value = record[name];
    if (value === undefined) continue;
    const list = out.get(key) ?? [];
    if (typeof value === "string") list.push(value);
    else list.push(...value);
    out.set(key, list);
  }
  return out;
}

/** The three headers for one family, or both families. */
export function signatureHeaders(
  choice: HeaderChoice,
  id: string,
  timestamp: number,
  signature: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  const families: HeaderFamily[] = choice === "both" ? ["webhook", "svix"] : [choice];
  for (const family of families) {
    out[`${family}-id`] = id;
    out[`${family}-timestamp`] = String(timestamp);
    out[`${family}-signature`] = signature;
  }
  return out;
}

/**
 * Headers that belong to one connection and are not passed on (RFC 9110 §7.6.1), with those an HTTP
 * client sets itself (host, content-length, expect): undici refuses or recomputes them.
 */
export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer",
  "transfer-encoding", "upgrade", "host", "content-length", "expect",
]);

/**
 * Captured or received headers that can be sent on as they are: without HOP_BY_HOP, without the
 * headers the Connection header names, and without HTTP/2 pseudo-headers (":authority").
 */
export function stripHopByHop<V>(headers: Readonly<Record<string, V>>): Record<string, V> {
  // One pass over the names (the forwarder calls this per forward); the Connection header's own
  // list is read only when there is one.
  const names = Object.keys(headers);
  let named: Set<string> | null = null;
  for (const name of names) {
    if (name.length !== 10 || name.toLowerCase() !== "connection") continue;
    named ??= new Set<string>();
    const value = headers[name];
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v === "string") for (const token of v.split(",")) named.add(token.trim().toLowerCase());
    }
  }
  const out: Record<string, V> = {};
  for (const name of names) {
    const lower = name.toLowerCase();
    if (!HOP_BY_HOP.has(lower) && !(named?.has(lower) ?? false) && name.charCodeAt(0) !== 0x3a) out[name] = headers[name]!;
  }
  return out;
}
