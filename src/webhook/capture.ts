import { UsageError } from "../errors.js";

/** A delivery as captured: its headers and its exact body bytes. */
export interface Capture {
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
  /** Where it came from, for messages: "file:line". */
  readonly label: string;
}

/**
 * Reads captures from a file: one JSON object `{"headers", "body"}` (or `body_base64`), or JSON
 * lines of such objects, as `listen` journals them.
 */
export function readCaptures(bytes: Buffer, source: string): Capture[] {
  const text = bytes.toString("utf8");
  if (text.trim() === "") return [];
  const whole = tryParse(text);
  if (whole !== undefined) return [toCapture(whole, source)];
  const out: Capture[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    const value = tryParse(line);
    if (value === undefined) {
      throw new UsageError(`${source}:${i + 1} is not JSON: verify takes a capture {"headers", "body"} or journal lines; for a raw body pass its headers with --header.`);
    }
    out.push(toCapture(value, `${source}:${i + 1}`));
  }
  return out;
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function toCapture(value: unknown, label: string): Capture {
  const record = value as { headers?: unknown; body?: unknown; body_base64?: unknown };
  const hasBody = typeof record?.body === "string" || typeof record?.body_base64 === "string";
  if (typeof value !== "object" || value === null || typeof record.headers !== "object" || record.headers === null || !hasBody) {
    throw new UsageError(
      `${label} has no "headers" and "body": for a bare body, pass its signature headers with --header "webhook-id: ..." (three times).`,
    );
  }
  const body = typeof record.body_base64 === "string" ? Buffer.from(record.body_base64, "base64") : Buffer.from(record.body as string, "utf8");
  const headers: Record<string, string | string[]> = {};
  for (const [name, v] of Object.entries(record.headers as Record<string, unknown>)) {
    if (typeof v === "string") headers[name] = v;
    else if (Array.isArray(v)) headers[name] = v.map(String);
    else if (typeof v === "number") headers[name] = String(v);
  }
  return { headers, body, label };
}
