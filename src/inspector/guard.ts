import type { IncomingMessage, ServerResponse } from "node:http";

// The inspector's doors (inspector.md §5.3). A page on another site must not read it or make it
// send: the Host allow-list stops DNS rebinding, Origin + a custom header + JSON stop cross-site POSTs
// (a form or text/plain POST can set neither), and with --inspect-host 0.0.0.0 a random token is needed too.

export const CUSTOM_HEADER = "x-recall-hooks";

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cross-origin-resource-policy": "same-origin",
  "x-frame-options": "DENY",
  "cache-control": "no-store",
};

export interface GuardOptions {
  /** host:port values a browser may send as Host; empty accepts any (token mode). */
  readonly hosts: readonly string[];
  /** Needed on every request when set (bound beyond loopback). */
  readonly token: string | null;
}

/** Null when the request may go on; else why it is refused (answered 403). */
export function refusal(req: IncomingMessage, url: URL, o: GuardOptions): string | null {
  const host = req.headers.host ?? "";
  if (o.hosts.length > 0 && !o.hosts.includes(host.toLowerCase())) return "unknown Host (the inspector answers only on the address it printed)";
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${host}`) return "cross-origin request";
  if (o.token !== null && !hasToken(req, url, o.token)) return "token missing: open the URL the inspector printed, with its ?token=";
  if (req.method === "GET" || req.method === "HEAD") return null;
  if (req.method !== "POST") return "method not allowed";
  if (origin === undefined) return "a POST needs the page's Origin";
  if (req.headers[CUSTOM_HEADER] !== "1") return `a POST needs the ${CUSTOM_HEADER} header`;
  if (!/^application\/json\s*(;|$)/i.test(req.headers["content-type"] ?? "")) return "a POST must be application/json";
  return null;
}

function hasToken(req: IncomingMessage, url: URL, token: string): boolean {
  if (url.searchParams.get("token") === token) return true;
  const cookies = (req.headers.cookie ?? "").split(";").map((c) => c.trim());
  return cookies.includes(`rh_token=${token}`);
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { ...SECURITY_HEADERS, "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, "content-type": "text/plain; charset=utf-8" });
  res.end(`${text}\n`);
}

/** A JSON body of at most `limit` bytes, or null. */
export async function readJson(req: IncomingMessage, limit = 2 * 1024 * 1024): Promise<Record<string, unknown> | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return null;
    chunks.push(chunk as Buffer);
  }
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
