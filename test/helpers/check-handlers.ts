import { timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { Webhook } from "svix";
import { SUB_CODES } from "../../src/recall/catalog.js";
import { type Answer, type Captured, CaptureServer } from "./capture-server.js";

/** The handler bugs the check must catch, one at a time; "none" is a correct svix-verifying handler. */
export type HandlerBug = "none" | "accepts-anything" | "no-timestamp-check" | "reserialises" | "500-unknown-sub-code" | "slow" | "409-duplicate";

const KNOWN_SUB_CODES = new Set(SUB_CODES.map((s) => s.subCode));
/** The slow handler's answer time: longer than any timeout the tests pass. */
const SLOW_MS = 20_000;

/**
 * A webhook handler as a user writes one: svix's Webhook.verify on the raw body, 401 when it fails,
 * 204 otherwise (the capture server's own behaviour with a secret); `bug` breaks exactly one thing.
 */
export function startTestHandler(secret: string, bug: HandlerBug = "none"): Promise<CaptureServer> {
  const webhook = new Webhook(secret);
  switch (bug) {
    case "none":
      return CaptureServer.start({ secret });
    case "accepts-anything":
      return CaptureServer.start({ secret, enforce: false });
    case "no-timestamp-check":
      return CaptureServer.start({ secret, enforce: false }, (r) => (signatureMatches(webhook, r.text, r.headers) ? 204 : 401));
    case "reserialises":
      // The bug: a framework parsed the body, and the handler verifies what JSON.stringify gives back.
      return CaptureServer.start({ secret, enforce: false }, (r) => (svixAccepts(webhook, reserialise(r.text), r.headers) ? 204 : 401));
    case "500-unknown-sub-code":
      return CaptureServer.start({ secret }, (r) => (knownSubCode(r) ? 204 : { status: 500, body: "unknown sub code" }));
    case "slow":
      return CaptureServer.start({ secret }, (): Answer => ({ status: 204, delayMs: SLOW_MS }));
    case "409-duplicate": {
      const seen = new Set<string>();
      return CaptureServer.start({ secret }, (r) => {
        if (seen.has(r.id)) return { status: 409, body: "duplicate" };
        seen.add(r.id);
        return 204;
      });
    }
  }
}

function reserialise(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}

function knownSubCode(r: Captured): boolean {
  const subCode = (JSON.parse(r.text) as { data?: { data?: { sub_code?: string | null } } }).data?.data?.sub_code;
  return typeof subCode !== "string" || KNOWN_SUB_CODES.has(subCode);
}

function svixAccepts(webhook: Webhook, body: string, headers: IncomingHttpHeaders): boolean {
  try {
    webhook.verify(body, headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
}

function header(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[`webhook-${name}`] ?? headers[`svix-${name}`];
  return Array.isArray(value) ? value.join(" ") : value ?? "";
}

/** svix's signature, compared in constant time to each offered v1 entry, with no look at the timestamp. */
function signatureMatches(webhook: Webhook, raw: string, headers: IncomingHttpHeaders): boolean {
  const id = header(headers, "id");
  const timestamp = Number(header(headers, "timestamp"));
  if (id === "" || !Number.isInteger(timestamp)) return false;
  const expected = Buffer.from(webhook.sign(id, new Date(timestamp * 1000), raw));
  return header(headers, "signature").split(" ").some((entry) => {
    const offered = Buffer.from(entry);
    return offered.length === expected.length && timingSafeEqual(offered, expected);
  });
}
