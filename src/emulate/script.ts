import { isObject } from "../json.js";
import type { Meeting, MeetingParticipant, Utterance } from "./meeting.js";

// --script <file>: a meeting as JSON, `{title, participants: [{id, name, is_host, platform, email}],
// utterances: [{participant_id, start, text}]}`. Problems are reported with the path to the bad value.

export function readMeeting(value: unknown): Meeting {
  if (!isObject(value)) throw new Error("expected an object with title, participants and utterances");
  const participants = list(value["participants"], "participants").map((p, i): MeetingParticipant => {
    const at = `participants[${i}]`;
    if (!isObject(p) || typeof p["id"] !== "number" || typeof p["name"] !== "string") throw new Error(`${at} needs a numeric id and a name`);
    return {
      id: p["id"], name: p["name"], isHost: p["is_host"] === true, platform: typeof p["platform"] === "string" ? p["platform"] : "desktop",
      email: typeof p["email"] === "string" ? p["email"] : null,
    };
  });
  const ids = new Set(participants.map((p) => p.id));
  const utterances = list(value["utterances"], "utterances").map((u, i): Utterance => {
    const at = `utterances[${i}]`;
    if (!isObject(u) || typeof u["participant_id"] !== "number" || typeof u["start"] !== "number" || typeof u["text"] !== "string") {
      throw new Error(`${at} needs participant_id, start (seconds) and text`);
    }
    if (!ids.has(u["participant_id"])) throw new Error(`${at}.participant_id ${u["participant_id"]} is not one of the participants`);
    return { participantId: u["participant_id"], start: u["start"], text: u["text"] };
  });
  return { title: typeof value["title"] === "string" ? value["title"] : "Meeting", participants, utterances: [...utterances].sort((a, b) => a.start - b.start) };
}

function list(value: unknown, name: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${name} must be a list`);
  return value;
}
