import { isObject, tryParse } from "../json.js";
import { decodeBody } from "./body-codec.js";

// The journal's WebSocket frames (`{"type": "frame", ...}` lines, written by src/listen/websocket.ts),
// for replay over WebSocket. Other lines are not frames and are left to the delivery reader.

export interface FrameEntry {
  /** The connection it arrived on, in the journal: frames of one connection are re-sent on one. */
  readonly connection: string;
  readonly seq: number;
  /** Epoch ms, or null when the record has no readable time. */
  readonly receivedAt: number | null;
  readonly event: string | null;
  readonly binary: boolean;
  /** The exact bytes received. */
  readonly data: Buffer;
}

/** Every frame record in a journal's bytes, in file order. */
export function readFrames(bytes: Buffer | string): FrameEntry[] {
  const text = typeof bytes === "string" ? bytes : bytes.toString("utf8");
  const out: FrameEntry[] = [];
  for (const line of text.split("\n")) {
    if (!line.includes('"frame"')) continue;
    const value = tryParse(line.trim());
    if (!isObject(value) || value["type"] !== "frame" || (typeof value["body"] !== "string" && typeof value["body_base64"] !== "string")) continue;
    const received = typeof value["received_at"] === "string" ? Date.parse(value["received_at"]) : NaN;
    out.push({
      connection: typeof value["connection"] === "string" ? value["connection"] : "(unknown)",
      seq: typeof value["seq"] === "number" ? value["seq"] : out.length + 1,
      receivedAt: Number.isNaN(received) ? null : received,
      event: typeof value["event"] === "string" ? value["event"] : null,
      binary: value["binary"] === true,
      data: decodeBody(value as { body?: string; body_base64?: string }),
    });
  }
  return out;
}
