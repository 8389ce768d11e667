// The meeting a bot attends: who is there and what they say. Artefacts (transcript, participants,
// participant events, speaker timeline, audio) are all built from it. defaultMeeting() is the one
// place the content comes from; the real-time issue's meetingScript() can replace it later (the
// emulator takes any `() => Meeting` as options.meeting).

export interface MeetingParticipant {
  /** Recall's numeric participant id (100, 200, ...). */
  readonly id: number;
  readonly name: string;
  readonly isHost: boolean;
  readonly platform: string;
  readonly email: string | null;
}

export interface Utterance {
  readonly participantId: number;
  /** Seconds from the start of the recording. */
  readonly start: number;
  readonly text: string;
}

export interface Meeting {
  readonly title: string;
  readonly participants: readonly MeetingParticipant[];
  /** In time order. */
  readonly utterances: readonly Utterance[];
}

const PARTICIPANTS: readonly MeetingParticipant[] = [
  { id: 100, name: "Ada Lovelace", isHost: true, platform: "desktop", email: "ada@example.com" },
  { id: 200, name: "Grace Hopper", isHost: false, platform: "desktop", email: null },
  { id: 300, name: "Alan Turing", isHost: false, platform: "dial-in", email: null },
];

const LINES: ReadonlyArray<readonly [number, number, string]> = [
  [100, 1.5, "Good morning everyone, thanks for joining the weekly sync."],
  [200, 6.0, "Morning. The analytical engine prototype passed its tests last night."],
  [300, 11.5, "Great news. I checked the halting cases and found no regressions."],
  [100, 17.0, "Then we ship the release candidate on Thursday."],
  [200, 22.0, "I will write the release notes and tag the build."],
  [300, 27.5, "I can review the notes before lunch tomorrow."],
  [100, 33.0, "Perfect. Any blockers before we wrap up?"],
  [200, 37.5, "None from me. Talk to you next week."],
];

/** Three participants and eight utterances over about 40 seconds: a short, realistic sync. */
export function defaultMeeting(): Meeting {
  return {
    title: "Weekly sync",
    participants: PARTICIPANTS,
    utterances: LINES.map(([participantId, start, text]) => ({ participantId, start, text })),
  };
}

/** Seconds a spoken word takes in the generated timings. */
export const WORD_SECONDS = 0.4;

/** When an utterance ends, from its word count. */
export function utteranceEnd(u: Utterance): number {
  return u.start + u.text.split(/\s+/).filter(Boolean).length * WORD_SECONDS;
}
