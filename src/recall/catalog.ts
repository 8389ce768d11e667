import { groupBy } from "../group-by.js";
import { RecallHooksError } from "../errors.js";
import type { CodeInfo, EventInfo, SubCodeInfo } from "./types.js";
import { EVENTS } from "./catalog-events.js";
import { BOT_CODES } from "./catalog-codes.js";
import { SUB_CODES } from "./catalog-sub-codes.js";
import { closestName } from "../closest.js";

export { EVENTS, MEDIA_TYPES } from "./catalog-events.js";
export { BOT_CODES } from "./catalog-codes.js";
export { SUB_CODES } from "./catalog-sub-codes.js";

// Lookups run once per delivery in the listener, so they go through maps built once.
const EVENTS_BY_NAME: ReadonlyMap<string, EventInfo> = new Map(EVENTS.map((e) => [e.name, e]));
const CODES_BY_NAME: ReadonlyMap<string, CodeInfo> = new Map(BOT_CODES.map((c) => [c.code, c]));
const SUB_CODES_BY_NAME: ReadonlyMap<string, readonly SubCodeInfo[]> = groupBy(SUB_CODES, (s) => s.subCode);

/** The catalog entry for an event name, or undefined when Recall may have added it since. */
export function findEvent(name: string): EventInfo | undefined {
  return EVENTS_BY_NAME.get(name);
}

/** A bot status code (current or legacy), or undefined. */
export function findCode(code: string): CodeInfo | undefined {
  return CODES_BY_NAME.get(code);
}

/**
 * A sub code, preferring the entry reported with `status` ("fatal", "call_ended",
 * "recording_permission_denied", or "failed" for transcript.failed). When the status does not match
 * any entry, the sub code alone decides: Recall's codes are open sets and may move between statuses.
 */
export function findSubCode(subCode: string, status?: string | null): SubCodeInfo | undefined {
  const list = SUB_CODES_BY_NAME.get(subCode);
  if (list === undefined) return undefined;
  if (status != null) {
    const exact = list.find((s) => s.status === status);
    if (exact) return exact;
  }
  return list[0];
}

/** Every sub code reported with a status, in catalog order. */
export function subCodesFor(status: string): SubCodeInfo[] {
  return SUB_CODES.filter((s) => s.status === status);
}

/** The statuses reported with a sub code; every other status sends `"sub_code": null`. */
const SUB_CODE_STATUSES: ReadonlySet<string> = new Set(["fatal", "call_ended", "recording_permission_denied", "failed"]);

/** The sub codes documented for an event: bot.fatal's, transcript.failed's, ...; empty when none are. */
export function subCodesOfEvent(event: EventInfo): SubCodeInfo[] {
  if (event.shape === "legacy_status") return SUB_CODES.filter((s) => s.family === "bot");
  if (!event.code) return [];
  return subCodesFor(event.code).filter((s) => s.family === event.family || (event.family === "bot" && s.family === "bot"));
}

/**
 * Checks a sub code chosen for an event (sign, simulate): one the event cannot carry, or one
 * documented for another status, is a mistake; one the catalog does not know may be new (Recall's
 * lists are open), so `allowUnknown` lets it through. Throws E_SUB_CODE_NONE, E_SUB_CODE_OTHER or
 * E_SUB_CODE_UNKNOWN (the only one `allowUnknown` waives), with details { event, subCode, documented }.
 */
export function checkSubCode(eventName: string, subCode: string, options: { allowUnknown?: boolean } = {}): void {
  const event = findEvent(eventName);
  if (event === undefined) throw new RecallHooksError("E_EVENT_UNKNOWN", `Unknown event type "${eventName}".`, { event: eventName });
  if (event.shape !== "legacy_status" && !SUB_CODE_STATUSES.has(event.code ?? "")) {
    throw new RecallHooksError("E_SUB_CODE_NONE",
      `${eventName} carries no sub code (Recall sends "sub_code": null): drop the sub code, or pick an event that has one, such as bot.fatal.`,
      { event: eventName, subCode });
  }
  const documented = subCodesOfEvent(event);
  if (documented.some((s) => s.subCode === subCode)) return;
  const status = event.shape === "legacy_status" ? "bot" : event.name === "transcript.failed" ? "transcript.failed" : event.code!;
  const details = { event: eventName, subCode, documented: documented.length > 0 };
  const elsewhere = documented.length > 0 ? SUB_CODES.find((s) => s.subCode === subCode) : undefined;
  if (elsewhere !== undefined) {
    const owner = EVENTS.find((e) => e.shape !== "legacy_status" && subCodesOfEvent(e).includes(elsewhere));
    throw new RecallHooksError("E_SUB_CODE_OTHER",
      `"${subCode}" is not a ${status} sub code but a ${elsewhere.status} one${owner ? ` (${owner.name})` : ""}.`, details);
  }
  if (options.allowUnknown) return;
  throw new RecallHooksError("E_SUB_CODE_UNKNOWN",
    documented.length > 0 ? `"${subCode}" is not a ${status} sub code Recall documents.` : `${eventName} has no documented sub codes, so "${subCode}" cannot be checked.`,
    details);
}

/** Catalog events whose name matches a glob (`*` = any run of characters); commas separate alternatives. */
export function eventsMatching(glob: string): EventInfo[] {
  const patterns = splitPatterns(glob);
  return EVENTS.filter((e) => matchesAny(e.name, patterns));
}

const PATTERN_CACHE = new Map<string, RegExp>();

/** Glob match on an event name: `*` matches any run of characters (dots included); otherwise exact. */
export function matchesPattern(eventName: string, pattern: string): boolean {
  if (!pattern.includes("*")) return eventName === pattern;
  let re = PATTERN_CACHE.get(pattern);
  if (re === undefined) {
    const source = pattern.split("*").map(escapeRegExp).join(".*");
    re = new RegExp(`^${source}$`, "s");
    if (PATTERN_CACHE.size < 1000) PATTERN_CACHE.set(pattern, re);
  }
  return re.test(eventName);
}

/** True when any pattern matches; each entry may itself be a comma-separated list. Empty list: false. */
export function matchesAny(eventName: string, patterns: readonly string[]): boolean {
  for (const entry of patterns) {
    if (entry.includes(",")) {
      if (splitPatterns(entry).some((p) => matchesPattern(eventName, p))) return true;
    } else {
      const p = entry.trim();
      if (p !== "" && matchesPattern(eventName, p)) return true;
    }
  }
  return false;
}

/**
 * One line per event pattern that matches no catalog event, with the closest name: a filter with a
 * typo in it would otherwise drop everything without a word. A warning, not an error: Recall may
 * send event types added after this catalog.
 */
export function describeUnmatchedPatterns(patterns: readonly string[]): string[] {
  const names = EVENTS.map((e) => e.name);
  return patterns.flatMap(splitPatterns)
    .filter((pattern) => !names.some((name) => matchesPattern(name, pattern)))
    .map((pattern) => {
      const closest = pattern.includes("*") ? null : closestName(pattern, names);
      return `The event pattern "${pattern}" matches no known event type${closest === null ? "" : `: did you mean "${closest}"?`} (\`recall-hooks events\` lists them.)`;
    });
}

/** "bot.*, recording.done" -> ["bot.*", "recording.done"]; blanks dropped. */
export function splitPatterns(list: string): string[] {
  return list.split(",").map((p) => p.trim()).filter((p) => p !== "");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
