import { needsEscapes } from "../json.js";

/**
 * How a generated body is written as bytes. We do not know the exact bytes Recall sends, so the
 * default is chosen to catch the commonest handler bug: verifying `JSON.stringify(JSON.parse(raw))`
 * instead of the raw body. `spaced` is what Python's `json.dumps` writes by default (`", "` and
 * `": "` separators, every non-ASCII character `\u`-escaped as `ensure_ascii` does), which does not
 * survive a parse/stringify round trip; `compact` is `JSON.stringify`; `pretty` is indented by two.
 */
export const BODY_FORMATS = ["spaced", "compact", "pretty"] as const;
export type BodyFormat = (typeof BODY_FORMATS)[number];
export const DEFAULT_BODY_FORMAT: BodyFormat = "spaced";

export function isBodyFormat(value: string): value is BodyFormat {
  return (BODY_FORMATS as readonly string[]).includes(value);
}

/** The body's text in the given format; key order is kept as the value holds it. */
export function formatBody(value: unknown, format: BodyFormat = DEFAULT_BODY_FORMAT): string {
  switch (format) {
    case "compact":
      return JSON.stringify(value);
    case "pretty":
      return asciiOnly(JSON.stringify(value, null, 2));
    case "spaced":
      return spaced(value);
  }
}

/**
 * Python's separators: `", "` between items, `": "` after keys; `[]` and `{}` stay empty. Written
 * by concatenation with the keys' quoted forms remembered: simulate writes every body this way, and
 * arrays of parts, entries and joins were a third of its cost per message (npm run bench). Each
 * string is made ASCII (ensure_ascii) on its own, and only when it needs escapes: the whole text
 * through a regular expression was a quarter of the time to write a body.
 */
function spaced(value: unknown): string {
  if (typeof value === "string") return needsEscapes(value) ? asciiOnly(JSON.stringify(value)) : `"${value}"`;
  if (typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (value === null) return "null";
  const json = (value as { toJSON?: () => unknown }).toJSON;
  if (typeof json === "function") return spaced(json.call(value));
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i += 1) {
      const item: unknown = value[i];
      if (i > 0) out += ", ";
      out += item === undefined || typeof item === "function" ? "null" : spaced(item);
    }
    return `${out}]`;
  }
  let out = "{";
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const item = record[key];
    if (item === undefined || typeof item === "function" || typeof item === "symbol") continue;
    if (out.length > 1) out += ", ";
    out += quotedKey(key) + spaced(item);
  }
  return `${out}}`;
}

const quotedKeys = new Map<string, string>();

/** `"key": `; bodies repeat a few dozen keys, so their quoted forms are kept (a bounded number). */
function quotedKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = `${asciiOnly(JSON.stringify(key))}: `;
    if (quotedKeys.size < 4096) quotedKeys.set(key, quoted);
  }
  return quoted;
}

/** `ensure_ascii`: anything outside printable ASCII becomes `\uXXXX` (astral characters as a pair). */
function asciiOnly(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[^\x20-\x7e\n]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
