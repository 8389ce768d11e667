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
      return asciiOnly(spaced(value));
  }
}

/** Python's separators: `", "` between items, `": "` after keys; `[]` and `{}` stay empty. */
function spaced(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  const json = (value as { toJSON?: () => unknown }).toJSON;
  if (typeof json === "function") return spaced(json.call(value));
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined || typeof item === "function" ? "null" : spaced(item))).join(", ")}]`;
  const parts: string[] = [];
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined || typeof item === "function" || typeof item === "symbol") continue;
    parts.push(`${JSON.stringify(key)}: ${spaced(item)}`);
  }
  return `{${parts.join(", ")}}`;
}

/** `ensure_ascii`: anything outside printable ASCII becomes `\uXXXX` (astral characters as a pair). */
function asciiOnly(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[^\x20-\x7e\n]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
