// The emulator's state: what a bot, its recordings, media and transcripts hold. Plain JSON-able data,
// so a store can be written to a --state file and read back. Times are epoch ms in the bot's meeting
// time (see driver.ts); views.ts turns them into Recall's ISO strings with microseconds.

export interface StatusChange {
  readonly code: string;
  readonly message: string | null;
  readonly sub_code: string | null;
  /** Epoch ms. */
  readonly at: number;
}

export interface MediaStatus {
  code: "processing" | "paused" | "done" | "failed" | "deleted";
  sub_code: string | null;
  at: number;
}

/** A media object of a recording (video_mixed, transcript, participant_events, ...). */
export interface MediaState {
  readonly id: string;
  /** video_mixed, audio_mixed, transcript, participant_events, meeting_metadata. */
  readonly kind: string;
  readonly createdAt: number;
  status: MediaStatus;
  readonly metadata: Record<string, string>;
  /** A transcript's provider and diarization, echoed back. */
  readonly provider?: Record<string, unknown>;
  readonly diarization?: Record<string, unknown> | null;
  /** True for transcripts made by create_transcript after the call. */
  readonly async?: boolean;
  /** meeting_metadata's title. */
  readonly title?: string;
}

export interface RecordingState {
  readonly id: string;
  readonly createdAt: number;
  startedAt: number;
  completedAt: number | null;
  status: MediaStatus;
  readonly metadata: Record<string, string>;
  /** Media shortcuts, by kind. */
  readonly media: MediaState[];
  /** Transcripts made by create_transcript. */
  readonly transcripts: MediaState[];
  /** Ids of the bot's real-time endpoints for this recording, in config order. */
  readonly endpointIds: string[];
  /** Meeting time spent paused, and since when it is paused now. */
  pausedMs: number;
  pausedAt: number | null;
  /** Seconds of meeting recorded, once completed (pauses excluded; padded to Recall's minimum). */
  seconds: number | null;
  /** Each (re)start of recording: meeting time, and the ms of recording it began at (artefact timestamps). */
  periods?: Array<{ at: number; fromMs: number }>;
}

/** Ms of meeting recorded by `at` (pauses excluded, not padded): the script plays on this clock. */
export function recordedMs(recording: RecordingState, at: number): number {
  const until = recording.pausedAt ?? recording.completedAt ?? at;
  return Math.max(0, until - recording.startedAt - recording.pausedMs);
}

export interface BotState {
  readonly id: string;
  readonly createdAt: number;
  /** The create request, defaults filled, as the Bot object shows it (meeting_url parsed). */
  config: Record<string, unknown>;
  /** The meeting URL as given (list filter, scenario query). */
  meetingUrlText: string;
  platform: string;
  /** join_at as epoch ms, while the bot is scheduled and has not joined. */
  joinAt: number | null;
  /** More than 10 min ahead at creation: a reserved instance (never 507, delete/patch allowed until dispatch). */
  scheduled: boolean;
  statusChanges: StatusChange[];
  recordings: RecordingState[];
  /** The scenario the bot walks, and where it is. */
  scenario: string;
  subCode: string | null;
  step: number;
  /** The user pushed it (control API) or commanded it: the scenario no longer drives it. */
  halted: boolean;
  mediaDeleted: boolean;
}

export function currentCode(bot: BotState): string | null {
  return bot.statusChanges.at(-1)?.code ?? null;
}

export function lastAt(bot: BotState): number {
  return bot.statusChanges.at(-1)?.at ?? bot.createdAt;
}

/** Terminal for the emulator: nothing more will happen to the bot. */
export function isFinished(bot: BotState): boolean {
  const code = currentCode(bot);
  return code === "done" || code === "fatal";
}

const IN_CALL = new Set(["in_call_not_recording", "in_call_recording", "recording_permission_allowed", "recording_permission_denied"]);

export function isInCall(bot: BotState): boolean {
  const code = currentCode(bot);
  return code !== null && IN_CALL.has(code);
}

/** Joined or on its way: no longer a scheduled bot that can be changed or deleted. */
export function hasStarted(bot: BotState): boolean {
  return bot.statusChanges.length > 0;
}
