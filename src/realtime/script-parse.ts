import { isObject, tryParse } from "../json.js";
import {
  type MeetingScript, type ScriptAction, type ScriptActionType, ScriptError, type ScriptParticipant, type ScriptUtterance,
  formatScriptTime, utteranceEnd,
} from "./script.js";

// The two forms of a meeting script, read into one MeetingScript:
// - text:  `[00:12] Ada: Hello everyone` and `[00:40] * Alan joins` (see DEFAULT_SCRIPT_TEXT)
// - JSON:  {"participants": [...], "utterances": [...], "chat": [...], "events": [...]} (README)

/** One thing said or done, before names are resolved to participants. */
interface Entry {
  readonly at: number;
  readonly name: string;
  readonly where: string;
  readonly say?: string;
  readonly action?: ScriptActionType;
  readonly text?: string;
  readonly to?: string;
  readonly email?: string;
}

interface PersonSpec {
  name: string;
  isHost?: boolean;
  platform?: string;
  email?: string | null;
  extraData?: Record<string, string>;
}

/** Reads a script in either form: JSON when it parses as a JSON object, else the text form. */
export function parseScript(input: string | Uint8Array): MeetingScript {
  const text = typeof input === "string" ? input : Buffer.from(input).toString("utf8");
  const json = text.trimStart().startsWith("{") ? tryParse(text) : undefined;
  if (isObject(json)) return parseJsonScript(json);
  if (json === undefined && text.trimStart().startsWith("{")) throw new ScriptError("The script starts with { but is not valid JSON: fix the JSON, or use the text form ([00:12] Ada: Hello).");
  return parseTextScript(text);
}

const LINE = /^\[\s*(\d{1,2}(?::\d{1,2}){1,2}(?:\.\d+)?)\s*\]\s*(\*\s*)?(.*)$/;

function parseTextScript(text: string): MeetingScript {
  const entries: Entry[] = [];
  const people = new Map<string, PersonSpec>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    const where = `line ${i + 1}`;
    if (line === "" || line.startsWith("#")) return;
    const m = LINE.exec(line);
    if (m === null) throw new ScriptError(`${where}: expected "[mm:ss] Name: words" or "[mm:ss] * Name joins", not "${clip(line)}".`);
    const at = parseTime(m[1]!, where);
    const entry = m[2] !== undefined ? actionEntry(m[3]!, at, where, people) : sayEntry(m[3]!, at, where);
    if (!people.has(entry.name)) people.set(entry.name, { name: entry.name });
    entries.push(entry);
  });
  return assemble([...people.values()], entries);
}

function sayEntry(rest: string, at: number, where: string): Entry {
  const colon = rest.indexOf(":");
  const name = colon > 0 ? rest.slice(0, colon).trim() : "";
  const say = colon > 0 ? rest.slice(colon + 1).trim() : "";
  if (name === "" || say === "") throw new ScriptError(`${where}: a spoken line is "[mm:ss] Name: words"; for an action put a * before the name ("[mm:ss] * Ada joins").`);
  return { at, name, where, say };
}

const ACTIONS: readonly [RegExp, ScriptActionType][] = [
  [/^joins(?:\s+as\s+(host))?$/i, "join"],
  [/^leaves$/i, "leave"],
  [/^webcam\s+on$/i, "webcam_on"],
  [/^webcam\s+off$/i, "webcam_off"],
  [/^screenshare\s+on$/i, "screenshare_on"],
  [/^screenshare\s+off$/i, "screenshare_off"],
  [/^chats(?:\s+to\s+([^:]+))?:\s*(.+)$/i, "chat_message"],
  [/^email\s+(\S+@\S+)$/i, "update"],
];

function actionEntry(rest: string, at: number, where: string, people: Map<string, PersonSpec>): Entry {
  // The name is everything before the first action word.
  const m = /^(.+?)\s+(joins\b.*|leaves\b.*|webcam\b.*|screenshare\b.*|chats\b.*|email\b.*)$/i.exec(rest.trim());
  if (m !== null) {
    const name = m[1]!.trim();
    for (const [pattern, action] of ACTIONS) {
      const a = pattern.exec(m[2]!.trim());
      if (a === null) continue;
      if (action === "join" && a[1] !== undefined) people.set(name, { ...people.get(name), name, isHost: true });
      if (action === "chat_message") return { at, name, where, action, text: a[2]!.trim(), to: a[1]?.trim() ?? "everyone" };
      if (action === "update") return { at, name, where, action, email: a[1]! };
      return { at, name, where, action };
    }
  }
  throw new ScriptError(`${where}: unknown action "${clip(rest)}": use joins [as host], leaves, webcam on|off, screenshare on|off, chats: <text>, email <address>.`);
}

/** `mm:ss`, `mm:ss.s` or `h:mm:ss` as seconds. */
function parseTime(value: string, where: string): number {
  const parts = value.split(":").map(Number);
  if (parts.some((p) => !Number.isFinite(p)) || parts.slice(1).some((p) => p >= 60)) throw new ScriptError(`${where}: "${value}" is not a time: use mm:ss, such as 01:05.`);
  return parts.reduce((sum, p) => sum * 60 + p, 0);
}

function parseJsonScript(json: Record<string, unknown>): MeetingScript {
  const people: PersonSpec[] = [];
  const entries: Entry[] = [];
  list(json, "participants").forEach((p, i) => {
    const where = `participants[${i}]`;
    const name = str(p["name"], `${where}.name`);
    const extra = p["extra_data"] ?? {};
    if (!isObject(extra) || Object.values(extra).some((v) => typeof v !== "string")) throw new ScriptError(`${where}.extra_data must be an object of strings.`);
    people.push({
      name, isHost: p["host"] === true || p["is_host"] === true, extraData: extra as Record<string, string>,
      ...(typeof p["platform"] === "string" && { platform: p["platform"] }),
      ...(typeof p["email"] === "string" && { email: p["email"] }),
    });
    if (p["join"] !== undefined && p["join"] !== null) entries.push({ at: jsonTime(p["join"], `${where}.join`), name, where, action: "join" });
    if (p["leave"] !== undefined && p["leave"] !== null) entries.push({ at: jsonTime(p["leave"], `${where}.leave`), name, where, action: "leave" });
  });
  list(json, "utterances").forEach((u, i) => {
    const where = `utterances[${i}]`;
    entries.push({ at: jsonTime(u["at"], `${where}.at`), name: str(u["speaker"], `${where}.speaker`), where, say: str(u["text"], `${where}.text`) });
  });
  list(json, "chat").forEach((c, i) => {
    const where = `chat[${i}]`;
    entries.push({
      at: jsonTime(c["at"], `${where}.at`), name: str(c["from"], `${where}.from`), where, action: "chat_message",
      text: str(c["text"], `${where}.text`), to: typeof c["to"] === "string" ? c["to"] : "everyone",
    });
  });
  list(json, "events").forEach((e, i) => {
    const where = `events[${i}]`;
    const type = str(e["type"], `${where}.type`);
    if (!["webcam_on", "webcam_off", "screenshare_on", "screenshare_off", "join", "leave", "update"].includes(type)) {
      throw new ScriptError(`${where}.type "${type}" is not one of webcam_on, webcam_off, screenshare_on, screenshare_off, join, leave, update.`);
    }
    entries.push({
      at: jsonTime(e["at"], `${where}.at`), name: str(e["participant"], `${where}.participant`), where, action: type as ScriptActionType,
      ...(typeof e["email"] === "string" && { email: e["email"] }),
    });
  });
  for (const e of entries) if (!people.some((p) => p.name === e.name)) people.push({ name: e.name });
  return assemble(people, entries);
}

function list(json: Record<string, unknown>, key: string): Record<string, unknown>[] {
  const value = json[key] ?? [];
  if (!Array.isArray(value) || !value.every(isObject)) throw new ScriptError(`"${key}" must be an array of objects.`);
  return value;
}

function str(value: unknown, where: string): string {
  if (typeof value !== "string" || value.trim() === "") throw new ScriptError(`${where} must be a non-empty string.`);
  return value.trim();
}

function jsonTime(value: unknown, where: string): number {
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) return value;
  if (typeof value === "string" && /^\d{1,2}(:\d{1,2}){1,2}(\.\d+)?$/.test(value)) return parseTime(value, where);
  throw new ScriptError(`${where} must be seconds (12.5) or "mm:ss", not ${JSON.stringify(value)}.`);
}

/** Names to participants, and the checks that make the stream consistent with Recall's. */
function assemble(specs: readonly PersonSpec[], entries: readonly Entry[]): MeetingScript {
  if (!entries.some((e) => e.say !== undefined)) throw new ScriptError("The script has nobody speaking: add lines such as \"[00:02] Ada: Hello everyone\".");
  const hostGiven = specs.some((s) => s.isHost === true);
  const participants: ScriptParticipant[] = specs.map((s, i) => ({
    id: (i + 1) * 100, name: s.name, isHost: hostGiven ? s.isHost === true : i === 0, platform: s.platform ?? "desktop",
    email: s.email ?? null, extraData: { ...s.extraData },
  }));
  const idOf = new Map(participants.map((p) => [p.name, p.id]));
  const sorted = [...entries].sort((a, b) => a.at - b.at);
  // Someone who never joins was there when the recording started.
  const implicit = participants.filter((p) => !sorted.some((e) => e.name === p.name && e.action === "join"))
    .map((p): Entry => ({ at: 0, name: p.name, where: "(start)", action: "join" }));
  const all = [...implicit, ...sorted];
  checkPresence(all);
  const utterances: ScriptUtterance[] = [];
  const actions: ScriptAction[] = [];
  for (const e of all) {
    const participant = idOf.get(e.name)!;
    if (e.say !== undefined) utterances.push({ at: e.at, speaker: participant, text: e.say });
    else actions.push({
      at: e.at, participant, type: e.action!,
      ...(e.text !== undefined && { text: e.text }), ...(e.to !== undefined && { to: e.to }), ...(e.email !== undefined && { email: e.email }),
    });
  }
  const last = Math.max(...utterances.map(utteranceEnd), ...actions.map((a) => a.at));
  return { participants, utterances, actions, duration: Math.ceil(last + 2) };
}

/** Nobody speaks or acts before joining or after leaving; one person's lines do not overlap. */
function checkPresence(entries: readonly Entry[]): void {
  const present = new Map<string, boolean>();
  const speakingUntil = new Map<string, { end: number; at: number }>();
  for (const e of entries) {
    const here = present.get(e.name) === true;
    const when = `${e.where} (${formatScriptTime(e.at)})`;
    if (e.action === "join") {
      if (here) throw new ScriptError(`${when}: ${e.name} joins but is already in the meeting.`);
      present.set(e.name, true);
      continue;
    }
    if (!here) throw new ScriptError(`${when}: ${e.name} is not in the meeting then: add "* ${e.name} joins" before it, or move it after the join.`);
    const busy = speakingUntil.get(e.name);
    if (e.say !== undefined) {
      if (busy !== undefined && busy.end > e.at) {
        throw new ScriptError(`${when}: ${e.name} is still speaking (the line at ${formatScriptTime(busy.at)} runs to ${formatScriptTime(Math.round(busy.end * 10) / 10)}): start it later or shorten the line before.`);
      }
      speakingUntil.set(e.name, { end: utteranceEnd({ at: e.at, speaker: 0, text: e.say }), at: e.at });
    }
    if (e.action === "leave") {
      if (busy !== undefined && busy.end > e.at) throw new ScriptError(`${when}: ${e.name} leaves while still speaking (until ${formatScriptTime(Math.round(busy.end * 10) / 10)}): leave later.`);
      present.set(e.name, false);
    }
  }
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
