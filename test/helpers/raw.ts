import { connect, type Socket } from "node:net";

/** What came back on a raw connection: the status line's code (null when none came) and the bytes. */
export interface RawAnswer {
  readonly status: number | null;
  readonly text: string;
  /** The connection ended with an error (a reset) rather than a clean close. */
  readonly error: string | null;
}

/**
 * Writes exact request bytes on a fresh connection (parts one after the other) and resolves once a
 * whole answer has come (then closes, as a client would) or the server closes the connection. A
 * server that never answers leaves the test to its own timeout.
 */
export function rawExchange(port: number, parts: readonly (string | Buffer)[]): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    let error: string | null = null;
    const finish = (): void => {
      const text = Buffer.concat(chunks).toString("latin1");
      const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
      resolve({ status: match ? Number(match[1]) : null, text, error });
    };
    socket.on("data", (c: Buffer) => {
      chunks.push(c);
      if (isComplete(Buffer.concat(chunks).toString("latin1"))) {
        finish();
        socket.destroy();
      }
    });
    socket.on("error", (e: NodeJS.ErrnoException) => { error = e.code ?? e.message; });
    socket.on("close", finish);
    socket.on("connect", () => {
      for (const part of parts) if (!socket.destroyed) socket.write(part);
    });
  });
}

/** A whole answer: its head, then its content-length's worth of body, or chunks up to the last (none for 204). */
function isComplete(text: string): boolean {
  const end = text.indexOf("\r\n\r\n");
  if (end < 0) return false;
  const head = text.slice(0, end);
  if (/^HTTP\/1\.1 (204|304)/.test(head)) return true;
  if (/\r\ntransfer-encoding: *chunked/i.test(head)) return text.endsWith("\r\n0\r\n\r\n");
  const length = /\r\ncontent-length: *(\d+)/i.exec(head);
  return length !== null && text.length - end - 4 >= Number(length[1]);
}

/** The head of a POST: header lines as given (names may repeat), then the blank line. */
export function requestHead(headers: readonly (readonly [string, string])[], path = "/webhooks/recall"): string {
  const lines = [`POST ${path} HTTP/1.1`, "host: 127.0.0.1", "connection: close", ...headers.map(([k, v]) => `${k}: ${v}`)];
  return `${lines.join("\r\n")}\r\n\r\n`;
}

/** A body in chunked transfer encoding, in pieces of `size` bytes. */
export function chunked(body: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < body.length; at += size) {
    const piece = body.subarray(at, at + size);
    out.push(Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from("\r\n")]));
  }
  out.push(Buffer.from("0\r\n\r\n"));
  return out;
}

/** Opens a connection and resolves once it is up. */
export function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => resolve(socket));
    socket.once("error", reject);
  });
}
