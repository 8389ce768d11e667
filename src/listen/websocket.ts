import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import type WebSocket from "ws";
import type { WebSocketServer } from "ws";
import { encodeBody } from "../deliveries/journal.js";
import { matchesAny } from "../recall/catalog.js";
import { parseDelivery } from "../recall/parse.js";
import type { ParsedEvent } from "../recall/types.js";
import { type HeaderFamily, readSignatureHeaders } from "../webhook/headers.js";
import type { Signer } from "../webhook/sign.js";
import { type VerificationReason, verify } from "../webhook/verify.js";
import { signedUpgradeHeaders } from "../realtime/ws-sender.js";
import type { ForwardRoute } from "./forwarder.js";

// Recall's WebSocket real-time endpoints, received: the upgrade request is verified like a POST
// with an empty body (recall-webhooks.md §4.3), every frame is journaled, then reported, then
// relayed byte for byte to the app's own WebSocket server (--forward-to ws://...).

/** One message received on a WebSocket connection. */
export interface ReceivedFrame {
  /** `<run>:<connection>`: the connection it came on. */
  readonly connection: string;
  /** 1-based, per connection. */
  readonly seq: number;
  readonly path: string;
  readonly receivedAt: number;
  /** Sent as a binary message rather than text. */
  readonly binary: boolean;
  readonly data: Buffer;
  readonly parsed: ParsedEvent;
}

/** A WebSocket connection opened, closed, or its relay to the app failed. */
export interface SocketChange {
  readonly state: "open" | "closed" | "forward_failed";
  readonly connection: string;
  readonly path: string;
  readonly at: number;
  readonly verified: boolean | null;
  readonly scheme: HeaderFamily | null;
  /** The upgrade request's message id. */
  readonly id: string | null;
  /** On close: the close code, the frames received, and how many of each event. */
  readonly code?: number;
  readonly frames?: number;
  readonly byEvent?: Readonly<Record<string, number>>;
  /** forward_failed: the target and what happened. */
  readonly target?: string;
  readonly message?: string;
}

export interface WebSocketIntake {
  close(): Promise<void>;
}

export interface WebSocketIntakeOptions {
  readonly run: string;
  readonly signer: Signer | null;
  readonly skipVerify: boolean;
  readonly toleranceSeconds: number;
  readonly now: () => number;
  /** Event type globs: only these frames are reported and relayed (all are journaled). */
  readonly events: readonly string[];
  /** ws:// routes; pattern routes relay only the frames whose event matches. */
  readonly forward: readonly ForwardRoute[];
  readonly append: ((record: object) => Promise<void>) | null;
  readonly onFrame: (frame: ReceivedFrame) => void;
  readonly onSocket: (change: SocketChange) => void;
  readonly onRejected: (path: string, id: string | null, reason: VerificationReason, message: string) => void;
}

/** Takes over the server's upgrade requests, on any path. */
export async function acceptWebSockets(server: Server, options: WebSocketIntakeOptions): Promise<WebSocketIntake> {
  const { WebSocketServer: Wss } = await import("ws");
  const wss: WebSocketServer = new Wss({ noServer: true, maxPayload: 16 * 1024 * 1024 });
  let connections = 0;
  // Each connection's frames still being journaled and reported; close() waits for them.
  const draining = new Set<Promise<void>>();
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = req.url ?? "/";
    const headers = req.headersDistinct as Record<string, string[]>;
    let verified: boolean | null = null;
    const seen = readSignatureHeaders(headers);
    if (options.signer && !options.skipVerify) {
      const result = verify({ secret: options.signer, headers, body: "", toleranceSeconds: options.toleranceSeconds, now: options.now });
      if (!result.valid) {
        options.onRejected(path, result.id, result.reason as VerificationReason, `WebSocket upgrade refused: ${result.message}`);
        socket.end("HTTP/1.1 401 Unauthorized\r\nconnection: close\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 18\r\n\r\ninvalid signature\n");
        socket.on("error", () => {});
        return;
      }
      verified = true;
    }
    connections += 1;
    const connection = `${options.run}:ws${connections}`;
    wss.handleUpgrade(req, socket, head, (ws) => {
      const base = { connection, path, verified, scheme: seen.family, id: seen.id };
      options.onSocket({ ...base, state: "open", at: options.now() });
      const done = serve(ws, base, headers, options);
      draining.add(done);
      void done.finally(() => draining.delete(done));
    });
  };
  server.on("upgrade", onUpgrade);
  return {
    async close() {
      server.off("upgrade", onUpgrade);
      const closing = [...wss.clients].map((ws) => new Promise<void>((resolve) => {
        ws.once("close", () => resolve());
        ws.close(1001, "listener stopping");
        setTimeout(() => ws.terminate(), 1_000).unref();
      }));
      await Promise.all(closing);
      await Promise.all([...draining]);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

type Base = Pick<SocketChange, "connection" | "path" | "verified" | "scheme" | "id">;

/** One connection: journal, report and relay each frame in arrival order; resolves once it closed and all is done. */
function serve(ws: WebSocket, base: Base, headers: Record<string, string[]>, options: WebSocketIntakeOptions): Promise<void> {
  let seq = 0;
  let chain = Promise.resolve();
  const byEvent: Record<string, number> = {};
  const relays = options.forward.map((route) => ({ route, relay: openRelay(route.url, headers, base, options) }));
  ws.on("message", (data: Buffer | ArrayBuffer | Buffer[], binary: boolean) => {
    const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    seq += 1;
    const parsed = parseDelivery(bytes);
    const frame: ReceivedFrame = { connection: base.connection, seq, path: base.path, receivedAt: options.now(), binary, data: bytes, parsed };
    const event = parsed.event ?? "(no event)";
    byEvent[event] = (byEvent[event] ?? 0) + 1;
    // In order: a frame is on disk before it is reported or relayed.
    chain = chain.then(async () => {
      if (options.append) await options.append(frameRecord(frame, base.verified));
      if (options.events.length > 0 && (parsed.event === null || !matchesAny(parsed.event, options.events))) return;
      options.onFrame(frame);
      for (const { route, relay } of relays) {
        if (route.pattern === null || (parsed.event !== null && matchesAny(parsed.event, [route.pattern]))) relay.send(bytes, binary);
      }
    }).catch(() => {
      // The journal could not take it: close so the sender reconnects and sends again.
      ws.close(1011, "could not store the frame");
    });
  });
  ws.on("error", () => {});
  return new Promise((resolve) => {
    ws.once("close", (code) => {
      void chain.then(async () => {
        options.onSocket({ ...base, state: "closed", at: options.now(), code, frames: seq, byEvent });
        // The app's connections close once what they were owed is written.
        await Promise.all(relays.map(({ relay }) => relay.close()));
        resolve();
      });
    });
  });
}

/** The journal's record of one frame. */
export function frameRecord(frame: ReceivedFrame, verified: boolean | null): Record<string, unknown> {
  return {
    type: "frame", v: 1, connection: frame.connection, seq: frame.seq, received_at: new Date(frame.receivedAt).toISOString(), path: frame.path,
    verified, event: frame.parsed.event, bot_id: frame.parsed.botId, binary: frame.binary, ...encodeBody(frame.data),
  };
}

interface Relay {
  send(data: Buffer, binary: boolean): void;
  /** Closes once the frames waiting are written; resolves when closed (or given up). */
  close(): Promise<void>;
}

/**
 * The app's WebSocket server, opened with a freshly signed upgrade (or the original signature
 * headers when no secret is known); frames wait until it is open and go out exactly as received.
 */
function openRelay(target: URL, headers: Record<string, string[]>, base: Base, options: WebSocketIntakeOptions): Relay {
  const waiting: { data: Buffer; binary: boolean }[] = [];
  let socket: WebSocket | null = null;
  let failed = false;
  let closeWhenOpen = false;
  let settle: () => void = () => {};
  const settled = new Promise<void>((resolve) => { settle = resolve; });
  const fail = (message: string): void => {
    if (failed) return;
    failed = true;
    options.onSocket({ ...base, state: "forward_failed", at: options.now(), target: target.href, message, frames: waiting.length });
    waiting.length = 0;
  };
  const signature = options.signer ? signedUpgradeHeaders(options.signer, options.now(), base.scheme ?? "webhook") : originalSignature(headers);
  void import("ws").then(({ default: Ws }) => {
    const ws = new Ws(target, { headers: signature, followRedirects: false, handshakeTimeout: 10_000 });
    ws.on("error", (error) => fail(error.message));
    ws.once("unexpected-response", (_req, res) => { res.resume(); fail(`upgrade answered ${res.statusCode}`); ws.terminate(); });
    ws.once("open", () => {
      socket = ws;
      for (const m of waiting.splice(0)) ws.send(m.data, { binary: m.binary });
      if (closeWhenOpen) ws.close(1000);
    });
    ws.once("close", (code) => {
      if (!closeWhenOpen && code !== 1000) fail(`the app closed the connection (${code})`);
      settle();
    });
  });
  return {
    send(data, binary) {
      if (failed) return;
      if (socket !== null && socket.readyState === socket.OPEN) socket.send(data, { binary });
      else waiting.push({ data, binary });
    },
    close() {
      closeWhenOpen = true;
      if (socket !== null) socket.close(1000);
      else if (failed) settle();
      const current = socket;
      // An app that never completes the closing handshake does not hold the listener.
      setTimeout(() => { current?.terminate(); settle(); }, 2_000).unref();
      return settled;
    },
  };
}

function originalSignature(headers: Record<string, string[]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ["webhook-id", "webhook-timestamp", "webhook-signature", "svix-id", "svix-timestamp", "svix-signature"]) {
    const value = headers[name]?.[0];
    if (value !== undefined) out[name] = value;
  }
  return out;
}
