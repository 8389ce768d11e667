import type { CodeInfo } from "./types.js";

/** Bot status codes: the nine current ones, then codes only in the v1.10 table and the List Bots filter. */
export const BOT_CODES: readonly CodeInfo[] = [
  { code: "joining_call", description: "The bot accepted the join request and is connecting.", basis: "documented" },
  { code: "in_waiting_room", description: "The bot is in the meeting's waiting room.", basis: "documented" },
  { code: "in_call_not_recording", description: "The bot is in the call but not recording (setting up, no permission, or paused).", basis: "documented" },
  { code: "recording_permission_allowed", description: "The host allowed the bot to record.", basis: "documented" },
  { code: "recording_permission_denied", description: "The request to record was denied; see the sub code.", basis: "documented" },
  { code: "in_call_recording", description: "The bot is in the call and recording.", basis: "documented" },
  { code: "call_ended", description: "The bot left the call; see the sub code.", basis: "documented" },
  { code: "done", description: "The bot shut down; any media is uploaded.", basis: "documented" },
  { code: "fatal", description: "An error stopped the bot from joining; see the sub code.", basis: "documented" },
  { code: "ready", description: "Internal status; Recall's docs say to ignore it.", basis: "legacy" },
  { code: "participant_in_waiting_room", description: "(v1.10) A participant entered the waiting room while the bot is in the call.", basis: "legacy" },
  { code: "recording_done", description: "(v1.10) The recording has completed.", basis: "legacy" },
  { code: "analysis_done", description: "(v1.10) An async intelligence job (such as transcription) finished.", basis: "legacy" },
  { code: "analysis_failed", description: "(v1.10) An async intelligence job (such as transcription) failed.", basis: "legacy" },
  { code: "media_expired", description: "(v1.10) Video, audio, metadata, debug data and transcript were deleted from Recall's servers.", basis: "legacy" },
];
