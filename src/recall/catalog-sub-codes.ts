import type { Basis, SubCodeInfo } from "./types.js";

// Every sub code of recall-webhooks.md §2. Descriptions paraphrase Recall's sub-codes page; where the
// page gives only the name, the description spells out what the name says.

type Platform = SubCodeInfo["platform"];
type Row = readonly [subCode: string, platform: Platform, description: string, basis?: Basis];

function rows(status: string, family: string, list: readonly Row[]): SubCodeInfo[] {
  return list.map(([subCode, platform, description, basis]) => ({
    subCode, status, family, platform, description, basis: basis ?? "documented",
  }));
}

const PERMISSION_DENIED: readonly Row[] = [
  ["zoom_local_recording_disabled", "zoom", "The host's user-level local recording setting is off, so no consent popup was shown."],
  ["zoom_local_recording_request_disabled", "zoom", "Local recording is on but \"Hosts can give meeting participants permission to record locally\" is off; no popup was shown."],
  ["zoom_local_recording_request_disabled_by_host", "zoom", "In the call, the host blocked recording-permission requests or denied all future ones; no popup was shown."],
  ["zoom_bot_in_waiting_room", "zoom", "The bot is in the waiting room, so it cannot ask for permission; no popup was shown."],
  ["zoom_host_not_present", "zoom", "The host was absent when the bot asked for permission (rare, for example the host dropped just then)."],
  ["zoom_local_recording_request_denied_by_host", "zoom", "The host saw the recording-permission popup and denied it."],
  ["zoom_local_recording_denied", "zoom", "The user denied the request: local recording disabled globally, popup denied, or popup timed out."],
  ["zoom_local_recording_grant_not_supported", "zoom", "The host's client (for example Zoom Rooms) cannot grant local recording permission."],
  ["zoom_sdk_key_blocked_by_host_admin", "zoom", "The user's Zoom workspace admin blocked the bot's Zoom SDK key."],
];

const CALL_ENDED: readonly Row[] = [
  ["call_ended_by_host", "general", "The host ended the meeting."],
  ["call_ended_by_platform_idle", "general", "The platform ended the meeting because it was idle."],
  ["call_ended_by_platform_max_length", "general", "The platform's maximum meeting length was reached (for example 40 minutes on Zoom free)."],
  ["call_ended_by_platform_waiting_room_timeout", "general", "The platform's waiting-room limit was hit (10 minutes on Google Meet; Zoom and Teams have none)."],
  ["timeout_exceeded_waiting_room", "general", "automatic_leave.waiting_room_timeout expired while the bot waited (default 1200 s)."],
  ["timeout_exceeded_noone_joined", "general", "Nobody joined in time (automatic_leave.noone_joined_timeout, default 1200 s)."],
  ["timeout_exceeded_everyone_left", "general", "Everyone else left the call (automatic_leave.everyone_left_timeout, default 2 s)."],
  ["timeout_exceeded_silence_detected", "general", "The other participants were judged to be bots by continuous silence."],
  ["timeout_exceeded_only_bots_detected_using_participant_names", "general", "The other participants were judged to be bots by their names."],
  ["timeout_exceeded_only_bots_detected_using_participant_events", "general", "The other participants were judged to be bots by their participant events."],
  ["timeout_exceeded_in_call_not_recording", "general", "The bot never started recording (automatic_leave.in_call_not_recording_timeout, default 3600 s)."],
  ["timeout_exceeded_in_call_recording", "general", "automatic_leave.in_call_recording_timeout was exceeded."],
  ["timeout_exceeded_recording_permission_denied", "general", "automatic_leave.recording_permission_denied_timeout was exceeded after a denial (default 30 s)."],
  ["timeout_exceeded_max_duration", "general", "Pay-as-you-go only: the bot's maximum duration was exceeded."],
  ["bot_kicked_from_call", "general", "The host removed the bot from the call."],
  ["bot_kicked_from_waiting_room", "general", "The host removed the bot from the waiting room."],
  ["bot_received_leave_call", "general", "A Leave Call request was received for the bot."],
  ["timeout_exceeded_only_bots_in_call", "general", "Only bots remained in the call (checked every minute after a 10-minute buffer; Bots FAQ only).", "legacy"],
];

const FATAL: readonly Row[] = [
  ["bot_errored", "general", "The bot hit an unexpected error."],
  ["meeting_not_found", "general", "No meeting was found at the given link."],
  ["meeting_not_started", "general", "The meeting has not started yet."],
  ["meeting_link_expired", "general", "The meeting link has expired."],
  ["meeting_link_invalid", "general", "The meeting link is invalid."],
  ["meeting_password_incorrect", "general", "The meeting password is incorrect."],
  ["meeting_locked", "general", "The meeting is locked, so the bot could not join."],
  ["meeting_full", "general", "The meeting is full, so the bot could not join."],
  ["meeting_ended", "general", "The bot tried to join a meeting that had already ended."],
  ["meeting_requires_registration", "general", "The meeting requires registration (not supported on Teams; see Recall's Zoom registration guide)."],
  ["meeting_requires_sign_in", "general", "Only signed-in users may join: use a Zoom ZAK, Teams login or Google login."],
  ["google_meet_internal_error", "google_meet", "Google Meet hit an internal error."],
  ["google_meet_sign_in_failed", "google_meet", "The bot could not sign in to Google."],
  ["google_meet_sign_in_captcha_failed", "google_meet", "Google sign-in failed on a captcha."],
  ["google_meet_bot_blocked", "google_meet", "The bot was not allowed to join the Google Meet call."],
  ["google_meet_sso_sign_in_failed", "google_meet", "The bot's Google SSO sign-in failed."],
  ["google_meet_sign_in_missing_login_credentials", "google_meet", "Google sign-in is missing the login credentials."],
  ["google_meet_sign_in_missing_recovery_credentials", "google_meet", "Google sign-in is missing the recovery credentials."],
  ["google_meet_sso_sign_in_missing_login_credentials", "google_meet", "Google SSO sign-in is missing the login credentials."],
  ["google_meet_sso_sign_in_missing_totp_secret", "google_meet", "Google SSO sign-in is missing the TOTP secret."],
  ["google_meet_video_error", "google_meet", "Google Meet hit a video error."],
  ["google_meet_meeting_room_not_ready", "google_meet", "The Google Meet meeting room was not ready."],
  ["google_meet_login_not_available", "google_meet", "There are not enough logins available in google_login_group_id."],
  ["google_meet_permission_denied_breakout", "google_meet", "The bot was rejected from an active breakout room."],
  ["zoom_sdk_credentials_missing", "zoom", "The Zoom SDK credentials are missing."],
  ["zoom_sdk_update_required", "zoom", "Zoom requires a newer SDK version."],
  ["zoom_sdk_app_not_published", "zoom", "The Zoom app is not published, so it can only join meetings in its own workspace."],
  ["zoom_email_blocked_by_admin", "zoom", "A Zoom admin blocked the bot's email."],
  ["zoom_registration_required", "zoom", "The Zoom meeting requires registration."],
  ["zoom_captcha_required", "zoom", "Zoom required a captcha."],
  ["zoom_account_blocked", "zoom", "The Zoom account is blocked: generate the ZAK from a different account."],
  ["zoom_invalid_join_token", "zoom", "The Zoom join token is invalid."],
  ["zoom_invalid_signature", "zoom", "Zoom rejected the signature: bad SDK credentials or a malformed meeting link."],
  ["zoom_internal_error", "zoom", "Zoom hit an internal error."],
  ["zoom_join_timeout", "zoom", "Joining the Zoom meeting timed out."],
  ["zoom_email_required", "zoom", "Zoom requires an email: pass zoom.user_email."],
  ["zoom_web_disallowed", "zoom", "The host disallowed web join (for example end-to-end encryption); the Native bot can join."],
  ["zoom_connection_failed", "zoom", "The connection to Zoom failed."],
  ["zoom_error_multiple_device_join", "zoom", "Zoom refused the join because the account is already joined from another device."],
  ["zoom_meeting_not_accessible", "zoom", "The Zoom meeting is not accessible to the bot."],
  ["zoom_meeting_host_inactive", "zoom", "The Zoom meeting's host account is inactive."],
  ["zoom_invalid_webinar_invite", "zoom", "The Zoom webinar invite is invalid."],
  ["microsoft_teams_call_dropped", "microsoft_teams", "The Microsoft Teams call dropped."],
  ["microsoft_teams_sign_in_credentials_missing", "microsoft_teams", "The Microsoft Teams sign-in credentials are missing."],
  ["microsoft_teams_sign_in_failed", "microsoft_teams", "The bot could not sign in to Microsoft Teams."],
  ["microsoft_teams_internal_error", "microsoft_teams", "Microsoft Teams hit an internal error."],
  ["microsoft_teams_captcha_detected", "microsoft_teams", "Teams showed a captcha to the anonymous bot: use a signed-in bot."],
  ["microsoft_teams_bot_not_invited", "microsoft_teams", "The bot was not invited to the Microsoft Teams meeting."],
  ["microsoft_teams_breakout_room_unsupported", "microsoft_teams", "Microsoft Teams breakout rooms are not supported."],
  ["microsoft_teams_event_not_started_for_external", "microsoft_teams", "The Microsoft Teams event has not started for external attendees."],
  ["microsoft_teams_2fa_required", "microsoft_teams", "The signed-in Microsoft Teams bot account has 2FA enabled."],
  ["webex_join_meeting_error", "webex", "The Webex meeting is invalid or Webex credentials are missing."],
  ["failed_to_launch_in_time", "general", "The bot did not launch in time (third-party only).", "third-party"],
  ["zoom_another_meeting_in_progress", "zoom", "Another Zoom meeting is in progress for the account (third-party only).", "third-party"],
  ["google_meet_knocking_disabled", "google_meet", "Knocking (asking to join) is disabled on the Google Meet call (third-party only).", "third-party"],
  ["microsoft_teams_captcha_error", "microsoft_teams", "Microsoft Teams showed a captcha error (third-party only).", "third-party"],
];

const TRANSCRIPT_FAILED: readonly Row[] = [
  ["provider_connection_failed", "general", "Recall could not reach the transcription provider: no funds, paid features on a free plan, or an outage."],
  ["zoom_global_captions_disabled", "zoom", "The Zoom account has captions disabled."],
  ["zoom_host_disabled_meeting_captions", "zoom", "The host disabled meeting captions."],
  ["zoom_captions_failure", "zoom", "Enabling Zoom captions failed."],
];

export const SUB_CODES: readonly SubCodeInfo[] = [
  ...rows("recording_permission_denied", "bot", PERMISSION_DENIED),
  ...rows("call_ended", "bot", CALL_ENDED),
  ...rows("fatal", "bot", FATAL),
  ...rows("failed", "transcript", TRANSCRIPT_FAILED),
];
