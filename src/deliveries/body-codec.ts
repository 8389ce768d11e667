import { isUtf8 } from "node:buffer";

// Apart from journal.ts (the writer, with node:fs/promises): verify and replay read bodies without
// loading the writer's modules (start-up time, npm run bench).

/** Stores a body so that it round-trips byte for byte. */
export function encodeBody(body: Buffer): { body: string } | { body_base64: string } {
  return isUtf8(body) ? { body: body.toString("utf8") } : { body_base64: body.toString("base64") };
}

export function decodeBody(record: { body?: string; body_base64?: string }): Buffer {
  if (typeof record.body_base64 === "string") return Buffer.from(record.body_base64, "base64");
  return Buffer.from(record.body ?? "", "utf8");
}
