// Small JSON helpers shared by the readers of files and payloads.

export type JsonObject = Record<string, unknown>;

/** A plain JSON object: not null, not an array. */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The parsed value, or undefined when the text is not JSON. */
export function tryParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Anything but printable ASCII, `"` and `\\` aside: what JSON (or ensure_ascii) would write otherwise. */
const NOT_PLAIN = /[^\x20\x21\x23-\x5b\x5d-\x7e]/;

/** False for text JSON writes as it is between quotes: printable ASCII without `"` or `\\`. */
export function needsEscapes(text: string): boolean {
  return NOT_PLAIN.test(text);
}

/**
 * JSON.stringify(text), byte for byte; ids, event types and times (printable ASCII, no quote or
 * backslash) are quoted without the serializer. For records written a few thousand per second.
 */
export function jsonString(text: string | null): string {
  if (text === null) return "null";
  return needsEscapes(text) ? JSON.stringify(text) : `"${text}"`;
}

/** JSON.stringify(number), byte for byte: finite numbers as String() writes them, the rest null. */
export function jsonNumber(value: number | null): string {
  return value !== null && Number.isFinite(value) ? String(value) : "null";
}
