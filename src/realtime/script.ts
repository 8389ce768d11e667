import { RecallHooksError } from "../errors.js";

// A meeting script: who is in a simulated meeting and what they say and do, in seconds since the
// recording started. The real-time stream (frames.ts) turns it into Recall's real-time events.

export interface ScriptParticipant {
  /** Recall's participant ids are numbers, stable per person: 100, 200, 300... */
  readonly id: number;
  readonly name: string;
  readonly isHost: boolean;
  /** e.g. "desktop", "dial-in", "unknown" */
  readonly platform: string;
  readonly email: string | null;
  /** A string-to-string map, never null (Recall's sample schemas). */
  readonly extraData: Readonly<Record<string, string>>;
}

export interface ScriptUtterance {
  /** Seconds since the recording started. */
  readonly at: number;
  readonly speaker: number;
  readonly text: string;
}

/** What a participant does besides speaking; each becomes a participant_events.<type>. */
export type ScriptActionType =
  | "join" | "leave" | "update" | "webcam_on" | "webcam_off" | "screenshare_on" | "screenshare_off" | "chat_message";

export interface ScriptAction {
  readonly at: number;
  readonly participant: number;
  readonly type: ScriptActionType;
  /** The chat message's text (chat_message only). */
  readonly text?: string;
  /** The chat message's audience; default "everyone". */
  readonly to?: string;
  /** The email an update reveals (update only). */
  readonly email?: string;
}

export interface MeetingScript {
  readonly participants: readonly ScriptParticipant[];
  /** In time order. */
  readonly utterances: readonly ScriptUtterance[];
  /** In time order; every participant has a join no later than anything they do. */
  readonly actions: readonly ScriptAction[];
  /** Seconds of meeting the script covers (past its last event). */
  readonly duration: number;
}

/** A script that cannot be used; the message names the line or field and the fix. */
export class ScriptError extends RecallHooksError {
  constructor(message: string) {
    super("E_SCRIPT", message);
  }
}

/** Seconds a spoken word takes, and the share of it that is sound (the rest is the gap after it). */
export const WORD_SECONDS = 0.4;
export const WORD_SOUND_SECONDS = 0.32;

/** The built-in meeting: three people, one host, a late joiner, a chat message and a screenshare. */
export const DEFAULT_SCRIPT_TEXT = `# The built-in meeting script (recall-hooks simulate lifecycle --realtime).
# [mm:ss] Name: words spoken       [mm:ss] * Name <action>
# actions: joins [as host], leaves, webcam on|off, screenshare on|off, chats: <text>, email <address>
[00:00] * Ada joins as host
[00:00.5] * Ada webcam on
[00:01] * Grace joins
[00:01.5] * Grace webcam on
[00:02] Ada: Good morning Grace, thanks for making the time.
[00:06] Grace: Morning Ada. Alan said he might be a few minutes late.
[00:11] Ada: No problem, let us start with the launch checklist.
[00:16] Grace: The webhook handler is deployed and it verifies every signature now.
[00:22] Ada: Great. Did we fix the retries that arrived twice last week?
[00:27] Grace: Yes, we dedupe on the webhook id before doing any work.
[00:32] Ada: Perfect, that was the last blocker on my list.
[00:37] Grace: I also moved the transcript processing to a background queue.
[00:42] * Alan joins
[00:43] * Alan email alan@example.com
[00:44] Alan: Hi both, sorry I am late, the train was delayed.
[00:49] Ada: Welcome Alan, we just went through the webhook checklist.
[00:54] Alan: I can share the dashboard numbers from yesterday.
[00:58] * Alan screenshare on
[01:00] Alan: Here you can see the bots that joined and the ones that failed.
[01:06] Grace: What happened to the three in the waiting room?
[01:11] Alan: Nobody admitted them, so they timed out after ten minutes.
[01:17] * Ada chats: Waiting room runbook: https://example.com/runbook
[01:18] Ada: I just put the runbook for that case in the chat.
[01:24] Alan: Thanks, I will add an alert when a bot waits too long.
[01:30] * Alan screenshare off
[01:31] Grace: Should we test the real-time transcript before Friday?
[01:37] Ada: Yes, please run the simulator against the staging endpoint.
[01:43] Grace: Will do, I will post the results in the channel.
[01:48] Alan: I have to drop for another call, see you on Friday.
[01:53] * Alan leaves
[01:54] Ada: Thanks everyone, that is all for today.
[01:58] Grace: Bye Ada, talk soon.
`;

let cached: MeetingScript | undefined;

/** The built-in meeting script (about two minutes). */
export async function meetingScript(): Promise<MeetingScript> {
  if (cached === undefined) {
    const { parseScript } = await import("./script-parse.js");
    cached = parseScript(DEFAULT_SCRIPT_TEXT);
  }
  return cached;
}

/** When an utterance's last word ends, in seconds since the recording started. */
export function utteranceEnd(u: ScriptUtterance): number {
  return u.at + (wordsOf(u.text).length - 1) * WORD_SECONDS + WORD_SOUND_SECONDS;
}

/** The words of an utterance as Recall's transcript.data carries them: split on whitespace. */
export function wordsOf(text: string): string[] {
  return text.split(/\s+/).filter((w) => w !== "");
}

/** `01:17` or `01:17.5` for a number of seconds. */
export function formatScriptTime(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds - m * 60;
  const whole = Number.isInteger(s) ? String(s).padStart(2, "0") : s.toFixed(1).padStart(4, "0");
  return `${String(m).padStart(2, "0")}:${whole}`;
}
