// meeting_url as Recall echoes it: a per-platform object (recall-api.md §5). Unknown hosts are refused
// the way Recall refuses a link it cannot join.

export type MeetingUrlObject = Record<string, string | null>;

export interface ParsedMeetingUrl {
  readonly platform: string;
  readonly object: MeetingUrlObject;
  /** Query parameters, for `recall_hooks_scenario` / `sub_code`. */
  readonly query: URLSearchParams;
}

/** The parsed link, or null when it is not a meeting link of a platform Recall joins. */
export function parseMeetingUrl(text: string): ParsedMeetingUrl | null {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return null;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  const host = url.hostname.toLowerCase();
  const object = zoom(host, url) ?? meet(host, url) ?? teams(host, url) ?? webex(host, url) ?? goto(host, url);
  if (object === null) return null;
  return { platform: object["platform"]!, object, query: url.searchParams };
}

const segments = (url: URL): string[] => url.pathname.split("/").filter(Boolean).map(decodeURIComponent);

function zoom(host: string, url: URL): MeetingUrlObject | null {
  if (host !== "zoom.us" && !host.endsWith(".zoom.us") && !host.endsWith(".zoomgov.com")) return null;
  const parts = segments(url);
  // /j/<id>, /w/<id>, /s/<id>, /wc/join/<id>, /wc/<id>/join, /my/<vanity>
  const id = parts.find((p) => /^\d{9,12}$/.test(p)) ?? (parts[0] === "my" ? parts[1] : undefined);
  if (id === undefined) return null;
  return { meeting_id: id, meeting_password: url.searchParams.get("pwd"), platform: "zoom" };
}

function meet(host: string, url: URL): MeetingUrlObject | null {
  if (host !== "meet.google.com") return null;
  const id = segments(url)[0];
  if (id === undefined || !/^[a-z]{3}-[a-z]{4}-[a-z]{3}$/.test(id)) return null;
  return { meeting_id: id, platform: "google_meet" };
}

function teams(host: string, url: URL): MeetingUrlObject | null {
  const live = host === "teams.live.com";
  if (!live && host !== "teams.microsoft.com" && !host.endsWith(".teams.microsoft.com")) return null;
  const platform = live ? "microsoft_teams_live" : "microsoft_teams";
  const parts = segments(url);
  const base: MeetingUrlObject = {
    meeting_id: null, meeting_password: null, organizer_id: null, tenant_id: null, message_id: null, thread_id: null,
    business_meeting_id: null, business_meeting_password: null, platform,
  };
  if (parts[0] === "meet" && parts[1] !== undefined) {
    return { ...base, meeting_id: parts[1], meeting_password: url.searchParams.get("p") };
  }
  const at = parts.indexOf("meetup-join");
  if (at < 0 || parts[at + 1] === undefined) return null;
  const context = readContext(url.searchParams.get("context"));
  return { ...base, thread_id: parts[at + 1]!, message_id: parts[at + 2] ?? null, tenant_id: context.Tid ?? null, organizer_id: context.Oid ?? null };
}

function readContext(text: string | null): { Tid?: string; Oid?: string } {
  if (text === null) return {};
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === "object" && value !== null ? (value as { Tid?: string; Oid?: string }) : {};
  } catch {
    return {};
  }
}

function webex(host: string, url: URL): MeetingUrlObject | null {
  if (!host.endsWith(".webex.com")) return null;
  const subdomain = host.slice(0, -".webex.com".length);
  const parts = segments(url);
  const mtid = url.searchParams.get("MTID") ?? url.searchParams.get("mtid");
  if (mtid !== null) return { meeting_subdomain: subdomain, meeting_mtid: mtid, meeting_path: parts.join("/"), platform: "webex" };
  if (parts[0] === "meet" && parts[1] !== undefined) return { meeting_subdomain: subdomain, meeting_personal_room_id: parts[1], platform: "webex" };
  return null;
}

function goto(host: string, url: URL): MeetingUrlObject | null {
  if (!/(^|\.)(goto\.com|gotomeeting\.com|gotomeet\.me)$/.test(host)) return null;
  const id = segments(url).find((p) => /^\d{6,}$/.test(p));
  return id === undefined ? null : { meeting_id: id, platform: "goto_meeting" };
}

/** Whether a URL points at this machine: Recall's WAF answers 403 to a payload holding one. */
export function isLocalUrl(text: string): boolean {
  try {
    const host = new URL(text).hostname;
    return host === "localhost" || host === "127.0.0.1" || host === "[::1]" || host.endsWith(".localhost");
  } catch {
    return false;
  }
}
