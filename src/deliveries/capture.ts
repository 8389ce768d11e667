import { UsageError } from "../errors.js";
import type { JsonObject } from "../json.js";
import { parseJournal, readCapture } from "./journal-read.js";

/** A delivery as captured: its headers and its exact body bytes. */
export interface Capture {
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
  /** Where it came from, for messages: "file:line". */
  readonly label: string;
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
      captures.push({ ...readCapture(item.value as JsonObject), label });
    } else if (item.where.startsWith(":")) {
      skipped.push(Number(item.where.slice(1)));
    } else {
      throw new UsageError(`${label} has no "headers" and "body": for a bare body, pass its signature headers with --header "webhook-id: ..." (three times).`);
    }
  }
  if (captures.length === 0 && state.readable === 0 && skipped.length > 0) {
    throw new UsageError(`${source} is not JSON: verify takes a capture {"headers", "body"} or journal lines; for a raw body pass its headers with --header.`);
  }
  return { captures, skipped: skipped.sort((a, b) => a - b) };
}
