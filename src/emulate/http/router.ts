import type { IncomingHttpHeaders } from "node:http";
import type { MeetingArtefacts } from "../artefacts.js";
import type { BotService } from "../bots.js";
import type { Outbox } from "../outbox.js";
import type { BotStore } from "../store.js";
import { methodNotAllowed, notFound } from "./errors.js";

// The route table's types and matching. Paths are matched without their trailing slash: Recall's
// spec writes `/api/v1/bot/`, its samples call `/api/v1/bot`, and both work.

export interface ApiRequest {
  readonly method: string;
  readonly path: string;
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** A non-JSON answer (downloads). */
  readonly raw?: { readonly type: string; readonly data: Buffer | string };
}

export interface RouteContext {
  readonly bots: BotService;
  readonly store: BotStore;
  readonly outbox: Outbox;
  readonly artefacts: MeetingArtefacts;
  /** The emulator's base URL, for download links and `next`. */
  readonly base: string;
  readonly reset: () => void;
}

/** Which rate-limit window a request counts in, and its limit per minute. */
export interface Bucket {
  readonly key: string;
  readonly limit: number;
}

export interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly bucket?: (params: readonly string[], ctx: RouteContext) => Bucket;
  /** Create Bot: where injected failures apply. */
  readonly create?: boolean;
  readonly handle: (req: ApiRequest, params: readonly string[], ctx: RouteContext) => Reply | Promise<Reply>;
}

export interface Match {
  readonly route: Route;
  readonly params: readonly string[];
}

/** The route for a request; 404 for an unknown path, 405 (with Allow) for a known path and another method. */
export function matchRoute(routes: readonly Route[], method: string, path: string): Match {
  const allowed: string[] = [];
  for (const route of routes) {
    const m = route.pattern.exec(path);
    if (m === null) continue;
    if (route.method === method) return { route, params: m.slice(1).map((p) => decodeURIComponent(p ?? "")) };
    allowed.push(route.method);
  }
  if (allowed.length > 0) throw methodNotAllowed(method, allowed);
  throw notFound();
}

/** `/api/v1/bot/` -> `/api/v1/bot`. */
export function normalizePath(pathname: string): string {
  return pathname.length > 1 && pathname.endsWith("/") ? pathname.replace(/\/+$/, "") : pathname;
}

export const json = (status: number, body: unknown): Reply => ({ status, body });

/** Set by a route when the request works here but would not against Recall; the CLI prints it. */
export const WARNING_HEADER = "x-recall-hooks-warning";
