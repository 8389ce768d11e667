import { RecallHooksError } from "../errors.js";
import type { JsonObject } from "../json.js";
import { parseJournal, readCapture } from "./journal-read.js";

/** A delivery as captured: its headers and its exact body bytes. */
export interface Capture {
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
  /** Where it came from, for messages: "file:line". */
  readonly label: string;
  /** When the listener received it (epoch ms; journal lines and listen --json records), or null. */
  readonly receivedAt: number | null;
}

export interface CaptureFile {
  readonly captures: Capture[];
  /** 1-based numbers of lines skipped: not JSON, or nothing to verify (a bare body has no headers). */
  readonly skipped: readonly number[];
}

/**
 * Reads captures from a file: one JSON object `{"headers", "body"}` (or `body_base64`), or JSON
 * lines of such objects: listen's journal (its forward records are ignored) or listen --json output.
 */
export function readCaptures(bytes: Buffer, source: string): CaptureFile {
  const state = parseJournal(bytes);
  const skipped = [...state.skipped];
  const captures: Capture[] = [];
  for (const item of state.items) {
    const label = `${source}${item.where}`;
    if (item.kind === "capture") {
      const value = item.value as JsonObject;
      const received = typeof value["received_at"] === "string" ? Date.parse(value["received_at"]) : NaN;
      captures.push({ ...readCapture(value), label, receivedAt: Number.isNaN(received) ? null : received });
    } else if (item.where.startsWith(":")) {
      skipped.push(Number(item.where.slice(1)));
    } else {
      throw new RecallHooksError("E_CAPTURE_BARE_BODY", `${label} is a bare body with no "headers": it cannot be verified without its signature headers.`, { input: label });
    }
  }
  if (captures.length === 0 && state.readable === 0 && skipped.length > 0) {
    throw new RecallHooksError("E_INPUT_NOT_JSON", `${source} is not JSON: verify takes a capture {"headers", "body"} or journal lines.`, { input: source });
  }
  return { captures, skipped: skipped.sort((a, b) => a - b) };
}
