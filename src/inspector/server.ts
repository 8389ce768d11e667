import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import type { Dispatcher } from "undici";
import { lifecycleCodes, statusRank, TRANSITIONS } from "../recall/lifecycle.js";
import { maskSecret } from "../webhook/secret.js";
import type { Signer } from "../webhook/sign.js";
import { ActionError, checkTarget, curlCommand, prepare, type ReplayMode, replayCommand, saveFixture, send } from "./actions.js";
import { detailOf, sourceOf } from "./detail.js";
import { readJson, refusal, SECURITY_HEADERS, sendJson, sendText, type GuardOptions } from "./guard.js";
import { listBots, listDeliveries } from "./query.js";
import { botScenario } from "./scenario.js";
import { type JournalStore, parseCursor } from "./store.js";
import { serveStream } from "./stream.js";

export interface InspectorServerOptions {
  readonly store: JournalStore;
  readonly host: string;
  readonly port: number;
  readonly signer: Signer | null;
  readonly toleranceSeconds: number;
  /** Replay targets allowed without confirmation (listen's --forward-to, inspect's --to). */
  readonly targets: readonly string[];
  /** Where "save as fixture" writes. */
  readonly fixturesDir: string;
  readonly token: string | null;
  readonly mode: "live" | "journal";
  readonly now: () => number;
  readonly dispatcher?: Dispatcher;
}

export interface InspectorServer {
  readonly server: Server;
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

const UI_DIR = fileURLToPath(new URL("./ui/", import.meta.url));
const MIME: Readonly<Record<string, string>> = { html: "text/html; charset=utf-8", js: "text/javascript; charset=utf-8", css: "text/css; charset=utf-8", svg: "image/svg+xml" };
const MODES: readonly ReplayMode[] = ["original", "same_id", "new_id", "edited"];

export async function startInspectorServer(o: InspectorServerOptions): Promise<InspectorServer> {
  const streams = new Set<ServerResponse>();
  const guard: GuardOptions = { hosts: [], token: o.token };
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, error instanceof ActionError ? error.status : 500, { error: (error as Error).message, ...(error instanceof ActionError && { code: error.code }) });
      else res.destroy();
    });
  });
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://inspector.invalid");
    const why = refusal(req, url, guard);
    if (why !== null) return sendText(res, 403, `Forbidden: ${why}.`);
    const path = url.pathname;
    if (req.method === "GET" || req.method === "HEAD") {
      if (path === "/api/stream") return serveStream(o.store, req, res, url, streams);
      if (path === "/api/info") return sendJson(res, 200, info());
      if (path === "/api/graph") return sendJson(res, 200, statusGraph());
      if (path === "/api/deliveries") {
        const limit = Math.min(Math.max(Number(url.searchParams.get("limit") ?? 100) || 100, 1), o.store.ringSize);
        return sendJson(res, 200, { deliveries: listDeliveries(o.store.entries(), { q: url.searchParams.get("q") ?? "", limit, before: parseCursor(url.searchParams.get("before")) }) });
      }
      if (path === "/api/bots") return sendJson(res, 200, { bots: listBots(o.store.entries()) });
      const entry = /^\/api\/entries\/([0-9r]+)$/.exec(path);
      if (entry) return detail(res, entry[1]!);
      const bot = /^\/api\/bots\/([^/]+)\/scenario$/.exec(path);
      if (bot) return sendJson(res, 200, botScenario(o.store.entries(), decodeURIComponent(bot[1]!)));
      return serveStatic(res, path, o.token !== null && url.searchParams.get("token") === o.token ? o.token : null);
    }
    const body = await readJson(req);
    if (body === null) return sendJson(res, 400, { error: "The body must be a JSON object." });
    if (path === "/api/replay") return sendJson(res, 200, await replay(body));
    if (path === "/api/copy") return sendJson(res, 200, await copy(body));
    if (path === "/api/fixture") return sendJson(res, 200, await fixture(body));
    return sendJson(res, 404, { error: "No such route." });
  };

  const info = (): Record<string, unknown> => ({
    mode: o.mode, journal: o.store.path, secret: o.signer ? maskSecret(o.signer.secret.value) : null, verifying: o.signer !== null,
    targets: o.targets, tolerance: o.toleranceSeconds, ring: o.store.ringSize,
  });

  const detail = async (res: ServerResponse, cursor: string): Promise<void> => {
    const entry = o.store.find(cursor);
    if (!entry) return sendJson(res, 404, { error: `No record ${cursor} in the inspector's window (the last ${o.store.ringSize}).` });
    sendJson(res, 200, await detailOf(o.store, entry, { signer: o.signer, toleranceSeconds: o.toleranceSeconds }));
  };

  const sourceFor = async (body: Record<string, unknown>) => {
    const entry = o.store.find(String(body["cursor"] ?? ""));
    if (!entry) throw new ActionError("E_INSPECT_GONE", "That delivery is no longer in the inspector's window.");
    const source = await sourceOf(o.store, entry);
    if (!source) throw new ActionError("E_INSPECT_REQUEST", "That record is not a delivery.");
    return { entry, source };
  };

  const modeOf = (value: unknown): ReplayMode => {
    if (MODES.includes(value as ReplayMode)) return value as ReplayMode;
    throw new ActionError("E_INSPECT_REQUEST", `mode is one of ${MODES.join(", ")}.`);
  };

  const replay = async (body: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const { source } = await sourceFor(body);
    const target = checkTarget(body["target"], o.targets, body["confirm"] === true);
    const out = prepare(source, modeOf(body["mode"]), o.signer, o.now(), typeof body["body"] === "string" ? body["body"] : undefined);
    return send(out, target, o.dispatcher);
  };

  const copy = async (body: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const { source } = await sourceFor(body);
    const target = typeof body["target"] === "string" && body["target"] !== "" ? body["target"] : (o.targets[0] ?? "http://localhost:3000/webhooks/recall");
    const mode = o.signer ? "same_id" : "original";
    return { curl: curlCommand(prepare(source, mode, o.signer, o.now()), target), replay: replayCommand(source, target), signed: o.signer !== null };
  };

  const fixture = async (body: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const { entry, source } = await sourceFor(body);
    return { path: await saveFixture(o.fixturesDir, source, (entry.record["event"] as string | null) ?? null) };
  };

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.host, () => { server.off("error", reject); resolve(); });
  });
  const port = (server.address() as AddressInfo).port;
  const shown = o.host === "0.0.0.0" || o.host === "::" ? "127.0.0.1" : o.host.includes(":") ? `[${o.host}]` : o.host;
  if (o.token === null) (guard.hosts as string[]).push(`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`);
  return {
    server, port,
    url: `http://${shown}:${port}/${o.token ? `?token=${o.token}` : ""}`,
    async close() {
      for (const res of streams) res.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Recall's status graph (src/recall/lifecycle.ts) for the page's drawing. */
function statusGraph(): Record<string, unknown> {
  return { transitions: TRANSITIONS, ranks: Object.fromEntries(lifecycleCodes().map((c) => [c, statusRank(c)])) };
}

const FILE = /^\/([a-z][a-z0-9-]*)\.(js|css|svg)$/;

/** `token`: the first visit carried it: keep it in a cookie for the page's own requests. */
async function serveStatic(res: ServerResponse, path: string, token: string | null): Promise<void> {
  const name = path === "/" ? "index.html" : FILE.test(path) ? path.slice(1) : null;
  if (name === null) return sendText(res, 404, "Not found.");
  let bytes: Buffer;
  try {
    bytes = await readFile(UI_DIR + name);
  } catch {
    return sendText(res, name === "index.html" ? 500 : 404, name === "index.html" ? "The inspector's page is missing from dist: run npm run build." : "Not found.");
  }
  const headers: Record<string, string | number> = { ...SECURITY_HEADERS, "content-type": MIME[name.split(".").pop()!] ?? "application/octet-stream", "content-length": bytes.length };
  if (token !== null && name === "index.html") headers["set-cookie"] = `rh_token=${token}; HttpOnly; SameSite=Strict; Path=/`;
  res.writeHead(200, headers);
  res.end(bytes);
}
