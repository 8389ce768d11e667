import type { IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "svix";
import { WebSocketServer, type WebSocket } from "ws";

/** One message as an app's WebSocket server saw it. */
export interface WsFrame {
  readonly connection: number;
  readonly raw: Buffer;
  readonly isBinary: boolean;
  readonly json: { event: string; data: Record<string, any> };
}

export interface WsUpgrade {
  readonly headers: IncomingHttpHeaders;
  /** svix's Webhook.verify over the empty body, as Recall's sample verifies an upgrade. */
  readonly verified: boolean;
  readonly accepted: boolean;
}

export interface WsReceiverOptions {
  /** Refuse the n-th upgrade (0-based) with this status, or accept it (undefined). */
  readonly refuse?: (index: number) => number | undefined;
  /** Drop the connection after this many frames on it (first connection only). */
  readonly dropAfter?: number;
  /** Shared log across receivers, to check the order of status webhooks and frames. */
  readonly log?: string[];
}

export interface WsReceiver {
  readonly url: string;
  readonly frames: WsFrame[];
  readonly upgrades: WsUpgrade[];
  /** Resolves when a connection closes. */
  closed(): Promise<void>;
  /** Resolves once this many frames arrived in all. */
  waitForFrames(count: number): Promise<WsFrame[]>;
  close(): Promise<void>;
}

/**
 * svix's Webhook.verify over the empty body of an upgrade. svix checks the signature, then parses
 * the body as JSON: for an empty body that parse is the only thing that throws a SyntaxError, so a
 * SyntaxError means the signature matched (a bad one throws svix's WebhookVerificationError).
 */
export function verifiesEmpty(webhook: Webhook, headers: IncomingHttpHeaders): boolean {
  try {
    webhook.verify("", headers as Record<string, string>);
    return true;
  } catch (error) {
    return error instanceof SyntaxError;
  }
}

/** An app's WebSocket server on 127.0.0.1: verifies each upgrade with svix and keeps every frame. */
export async function startWsReceiver(secret: string, options: WsReceiverOptions = {}): Promise<WsReceiver> {
  const webhook = new Webhook(secret);
  const frames: WsFrame[] = [];
  const upgrades: WsUpgrade[] = [];
  const closeWaiters: (() => void)[] = [];
  let frameWaiters: { count: number; resolve: () => void }[] = [];
  const wss = new WebSocketServer({
    host: "127.0.0.1", port: 0,
    verifyClient: (info, done) => {
      const verified = verifiesEmpty(webhook, info.req.headers);
      const refused = options.refuse?.(upgrades.length);
      upgrades.push({ headers: info.req.headers, verified, accepted: refused === undefined && verified });
      if (!verified) return done(false, 401);
      if (refused !== undefined) return done(false, refused);
      done(true);
    },
  });
  await new Promise<void>((resolve) => wss.once("listening", () => resolve()));
  let connections = 0;
  wss.on("connection", (ws: WebSocket) => {
    const connection = (connections += 1);
    let count = 0;
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      count += 1;
      const json = JSON.parse(data.toString("utf8")) as WsFrame["json"];
      frames.push({ connection, raw: data, isBinary, json });
      options.log?.push(`frame ${json.event}`);
      frameWaiters = frameWaiters.filter((w) => (frames.length >= w.count ? (w.resolve(), false) : true));
      if (connection === 1 && options.dropAfter !== undefined && count === options.dropAfter) ws.terminate();
    });
    ws.on("close", () => { for (const w of closeWaiters.splice(0)) w(); });
  });
  const port = (wss.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}/realtime`,
    frames,
    upgrades,
    closed: () => new Promise((resolve) => closeWaiters.push(resolve)),
    waitForFrames: async (count) => {
      if (frames.length < count) await new Promise<void>((resolve) => frameWaiters.push({ count, resolve }));
      return frames;
    },
    close: () => new Promise((resolve) => {
      for (const client of wss.clients) client.terminate();
      wss.close(() => resolve());
    }),
  };
}
