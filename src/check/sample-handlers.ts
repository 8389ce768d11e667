import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { findCode, findEvent, findSubCode } from "../recall/catalog.js";
import { parseDelivery } from "../recall/parse.js";
import { readSignatureHeaders } from "../webhook/headers.js";
import { Signer } from "../webhook/sign.js";
import { verify } from "../webhook/verify.js";

// The embedded demo of `check` with no --to: two handlers in this process, on 127.0.0.1 only.
// "correct" does what Recall asks; "naive" has three of the commonest bugs.

export interface SampleHandlers {
  /** Verifies the raw body, rejects unsigned, forged and stale deliveries, answers 204 to anything signed. */
  readonly correct: string;
  /** Verifies a re-serialised body, accepts unsigned deliveries, answers 500 to codes it does not know. */
  readonly naive: string;
  close(): Promise<void>;
}

/** The largest body the samples read; larger ones get 413. */
const MAX_BODY = 1024 * 1024;

export async function startSampleHandlers(secret: string | Signer): Promise<SampleHandlers> {
  const signer = typeof secret === "string" ? new Signer(secret) : secret;
  const server = createServer((req, res) => {
    readBody(req).then((body) => {
      if (body === null) return answer(res, 413, "body too large");
      if (req.method !== "POST") return answer(res, 405, "POST only");
      if (req.url === "/webhooks/correct") return correct(signer, req, body, res);
      if (req.url === "/webhooks/naive") return naive(signer, req, body, res);
      return answer(res, 404, "no such route");
    }, () => answer(res, 400, "unreadable body"));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as { port: number };
  return {
    correct: `http://127.0.0.1:${port}/webhooks/correct`,
    naive: `http://127.0.0.1:${port}/webhooks/naive`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

function correct(signer: Signer, req: IncomingMessage, body: Buffer, res: ServerResponse): void {
  const result = verify({ secret: signer, headers: req.headers, body });
  if (!result.valid) return answer(res, 401, "invalid signature");
  // A real handler stores the event (deduped on the message id) and works on it after answering.
  answer(res, 204, "");
}

/** Parses, then verifies JSON.stringify of the parse; skips verification without headers; fails on unknown codes. */
function naive(signer: Signer, req: IncomingMessage, body: Buffer, res: ServerResponse): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    return answer(res, 400, "bad json");
  }
  if (readSignatureHeaders(req.headers).family !== null) {
    const result = verify({ secret: signer, headers: req.headers, body: JSON.stringify(parsed) });
    if (!result.valid) return answer(res, 401, "invalid signature");
  }
  const event = parseDelivery(body);
  const known = event.event !== null && findEvent(event.event) !== undefined
    && (event.code === null || findCode(event.code) !== undefined)
    && (event.subCode === null || findSubCode(event.subCode) !== undefined);
  if (!known) return answer(res, 500, `{"error":"unhandled status ${event.event ?? "?"} / ${event.subCode ?? "-"}"}`);
  answer(res, 200, `{"ok":true}`);
}

function answer(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, body === "" ? {} : { "content-type": body.startsWith("{") ? "application/json" : "text/plain" }).end(body);
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on("end", () => resolve(size > MAX_BODY ? null : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
