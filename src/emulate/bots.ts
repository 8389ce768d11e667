import { isObject, type JsonObject } from "../json.js";
import { applyUpdate, checkBotBody, cleanMetadata, fillDefaults } from "./bot-config.js";
import { type Driver, TRANSCRIPT_MS } from "./driver.js";
import { fieldErrors, notFound, stateError } from "./http/errors.js";
import { isLocalUrl, parseMeetingUrl } from "./meeting-url.js";
import type { Outbox } from "./outbox.js";
import { completeRecording, deleteMedia, mediaMessage, type Message, transcriptFailure } from "./recording.js";
import { chooseScenario, type ScenarioChoice } from "./scenario-choice.js";
import { type BotState, currentCode, hasStarted, isFinished, isInCall, lastAt, type MediaState, type RecordingState } from "./state.js";
import type { BotStore } from "./store.js";

// What the REST API does to bots: create, update, delete, and the commands. Each returns the changed
// bot (or throws an ApiError in Recall's shape); the driver moves the bot on from there.

/** A bot is scheduled when join_at is more than this far ahead; inside it, it can no longer be changed. */
export const SCHEDULE_LEAD_MS = 10 * 60_000;

export interface BotServiceOptions {
  readonly store: BotStore;
  readonly driver: Driver;
  readonly outbox: Outbox;
  readonly now: () => number;
  readonly uuid: () => string;
  readonly scenario: ScenarioChoice;
  readonly onChange?: () => void;
}

export interface Created {
  readonly bot: BotState;
  /** URLs that Recall's WAF would refuse (localhost): the payload works here but not in production. */
  readonly localUrls: readonly string[];
}

export class BotService {
  readonly #o: BotServiceOptions;

  constructor(options: BotServiceOptions) {
    this.#o = options;
  }

  get(id: string): BotState {
    const bot = this.#o.store.get(id);
    if (bot === undefined) throw notFound();
    return bot;
  }

  create(body: unknown): Created {
    const { errors, fields } = checkBotBody(body, false);
    if (errors !== null) throw fieldErrors(errors);
    const meetingUrl = String(fields["meeting_url"]);
    const parsed = parseMeetingUrl(meetingUrl);
    if (parsed === null) throw fieldErrors({ meeting_url: [`Could not parse the meeting URL "${meetingUrl}": use a Zoom, Google Meet, Microsoft Teams, Webex or GoTo meeting link.`] });
    const choice = chooseScenario(cleanMetadata(fields["metadata"]), parsed.query, this.#o.scenario);
    if ("errors" in choice) throw fieldErrors(choice.errors);
    const now = this.#o.now();
    const joinAt = typeof fields["join_at"] === "string" ? Date.parse(fields["join_at"]) : null;
    const config = fillDefaults(fields);
    config["meeting_url"] = parsed.object;
    const bot: BotState = {
      id: this.#o.uuid(), createdAt: now, config, meetingUrlText: meetingUrl, platform: parsed.platform, joinAt,
      scheduled: joinAt !== null && joinAt - now > SCHEDULE_LEAD_MS, statusChanges: [], recordings: [],
      scenario: choice.scenario, subCode: choice.subCode, step: 0, halted: false, mediaDeleted: false,
    };
    this.#o.store.add(bot);
    this.#o.onChange?.();
    this.#o.driver.start(bot);
    return { bot, localUrls: localUrls(config) };
  }

  /** PATCH: only a scheduled bot that has not started joining, and join_at must stay 10 minutes ahead. */
  update(id: string, body: unknown): BotState {
    const bot = this.get(id);
    if (!bot.scheduled || hasStarted(bot)) throw stateError("update_bot_failed", "Only non-dispatched bots can be updated.");
    const { errors, fields } = checkBotBody(body, true);
    if (errors !== null) throw fieldErrors(errors);
    if ("join_at" in fields) {
      const joinAt = typeof fields["join_at"] === "string" ? Date.parse(fields["join_at"]) : NaN;
      if (!(joinAt - this.#o.driver.meetingNow(bot) > SCHEDULE_LEAD_MS)) throw stateError("update_bot_failed", "Not enough time to launch new bot.");
      bot.joinAt = joinAt;
    }
    if ("meeting_url" in fields) {
      const parsed = parseMeetingUrl(String(fields["meeting_url"]));
      if (parsed === null) throw fieldErrors({ meeting_url: ["Could not parse the meeting URL: use a Zoom, Google Meet, Microsoft Teams, Webex or GoTo meeting link."] });
      bot.meetingUrlText = String(fields["meeting_url"]);
      bot.platform = parsed.platform;
      fields["meeting_url"] = parsed.object;
    }
    bot.config = applyUpdate(bot.config, fields);
    this.#o.driver.halt(bot);
    this.#o.driver.start(bot);
    this.#o.onChange?.();
    return bot;
  }

  /** DELETE: a scheduled bot more than 10 minutes before join_at; false (405) once dispatched. */
  remove(id: string): boolean {
    const bot = this.get(id);
    const dispatched = !bot.scheduled || hasStarted(bot) || bot.joinAt === null || bot.joinAt - this.#o.driver.meetingNow(bot) <= SCHEDULE_LEAD_MS;
    if (dispatched) return false;
    this.#o.driver.halt(bot);
    this.#o.store.delete(id);
    this.#o.onChange?.();
    return true;
  }

  leaveCall(id: string): BotState {
    const bot = this.get(id);
    if (isFinished(bot) || currentCode(bot) === "call_ended") throw completed();
    this.#o.driver.endCall(bot, "bot_received_leave_call");
    return bot;
  }

  /** start/stop/pause/resume_recording. */
  recordingCommand(id: string, command: "start" | "stop" | "pause" | "resume"): BotState {
    const bot = this.inCall(id);
    const code = currentCode(bot);
    const open = bot.recordings.find((r) => r.completedAt === null);
    const at = this.#o.driver.meetingNow(bot);
    const driver = this.#o.driver;
    if (command === "start" || command === "resume") {
      if (code !== "in_call_recording") void driver.apply(bot, "in_call_recording", null, at);
    } else {
      // stop completes the recording (a later start makes a new one); pause keeps it open.
      if (command === "stop" && open !== undefined) {
        completeRecording(bot, at);
        driver.finishSoon(bot, open);
      }
      if (code === "in_call_recording") void driver.apply(bot, "in_call_not_recording", null, at);
    }
    this.#o.onChange?.();
    return bot;
  }

  sendChat(id: string, body: unknown): BotState {
    if (!isObject(body) || typeof body["message"] !== "string" || body["message"] === "") throw fieldErrors({ message: ["This field is required."] });
    if (body["to"] !== undefined && typeof body["to"] !== "string") throw fieldErrors({ to: ["Not a valid string."] });
    return this.inCall(id);
  }

  /** The bot, if it is in the call; Recall's state errors otherwise. */
  inCall(id: string): BotState {
    const bot = this.get(id);
    if (isFinished(bot) || currentCode(bot) === "call_ended") throw completed();
    if (!isInCall(bot)) throw stateError("cannot_command_unstarted_bot", "The bot has not joined the call yet: send the command once it is in the call.");
    return bot;
  }

  deleteMedia(id: string): BotState {
    const bot = this.get(id);
    if (!isFinished(bot)) throw stateError("cannot_delete_media", "Media can only be deleted once the bot is done: call leave_call first, and wait for bot.done.");
    this.#send(bot, deleteMedia(bot, Math.max(this.#o.now(), lastAt(bot) + 1)));
    this.#o.onChange?.();
    return bot;
  }

  /** DELETE /recording/{id}/: one recording and its media, once it is no longer being made. */
  deleteRecording(recordingId: string): void {
    const hit = this.#o.store.findRecording(recordingId);
    if (hit === undefined) throw notFound();
    if (hit.recording.completedAt === null || hit.recording.status.code === "processing") {
      throw stateError("cannot_delete_recording", "The recording is still being made: delete it once it is done (recording.done).");
    }
    this.#send(hit.bot, deleteMedia(hit.bot, Math.max(this.#o.now(), lastAt(hit.bot) + 1), hit.recording));
    this.#o.onChange?.();
  }

  /** PATCH /<media>/{id}/: only `metadata` changes (a key set to null is removed). */
  updateMedia(kind: string, id: string, body: unknown): { recording: RecordingState; media: MediaState } {
    const hit = this.#o.store.findMedia(id, kind);
    if (hit === undefined || hit.media.status.code === "deleted") throw notFound();
    if (!isObject(body)) throw fieldErrors({ non_field_errors: ["Invalid data. Expected a dictionary."] });
    const unknown = Object.keys(body).filter((k) => k !== "metadata");
    if (unknown.length > 0) throw fieldErrors(Object.fromEntries(unknown.map((k) => [k, ["This field cannot be updated: only metadata can."]])));
    const metadata = body["metadata"];
    if (metadata !== undefined && !isObject(metadata)) throw fieldErrors({ metadata: ["Expected a dictionary of strings."] });
    for (const [key, value] of Object.entries(metadata ?? {})) {
      if (value === null) delete hit.media.metadata[key];
      else if (typeof value === "string") hit.media.metadata[key] = value;
      else throw fieldErrors({ metadata: [`${key}: expected a string or null.`] });
    }
    this.#o.onChange?.();
    return { recording: hit.recording, media: hit.media };
  }

  /** DELETE /<media>/{id}/: that media object only, once it is no longer being made (`<media>.deleted`). */
  deleteMediaObject(kind: string, id: string): void {
    const hit = this.#o.store.findMedia(id, kind);
    if (hit === undefined || hit.media.status.code === "deleted") throw notFound();
    if (hit.media.status.code === "processing") {
      throw stateError("cannot_delete_media", `The ${kind} is still being made: delete it once it is done (${kind}.done).`);
    }
    hit.media.status = { code: "deleted", sub_code: null, at: Math.max(this.#o.now(), lastAt(hit.bot) + 1) };
    this.#send(hit.bot, [mediaMessage(hit.bot, hit.recording, hit.media)]);
    this.#o.onChange?.();
  }

  /** create_transcript: a transcript in `processing`, then transcript.processing and transcript.done. */
  createTranscript(recordingId: string, body: unknown): { bot: BotState; recording: RecordingState; transcript: MediaState } {
    const hit = this.#o.store.findRecording(recordingId);
    if (hit === undefined) throw notFound();
    const { bot, recording } = hit;
    const provider = isObject(body) ? body["provider"] : undefined;
    if (!isObject(provider) || Object.keys(provider).length !== 1) throw fieldErrors({ provider: ["This field is required: one provider key, e.g. {\"recallai_async\": {}}."] });
    if (recording.status.code !== "done") throw stateError("recording_not_done", "The recording is not done yet: wait for recording.done.");
    if (recording.transcripts.length >= 10) throw stateError("transcript_limit_reached", "A recording can have at most 10 transcripts.");
    const at = Math.max(this.#o.now(), lastAt(bot) + 1);
    const transcript: MediaState = {
      id: this.#o.uuid(), kind: "transcript", createdAt: at, status: { code: "processing", sub_code: null, at },
      metadata: cleanMetadata((body as JsonObject)["metadata"]), provider: provider as JsonObject,
      diarization: isObject((body as JsonObject)["diarization"]) ? ((body as JsonObject)["diarization"] as JsonObject) : null, async: true,
    };
    recording.transcripts.push(transcript);
    this.#o.onChange?.();
    this.#send(bot, [mediaMessage(bot, recording, transcript)]);
    this.#o.driver.task(async (wait) => {
      if (!(await wait(TRANSCRIPT_MS))) return;
      if (transcript.status.code !== "processing") return;
      const failure = transcriptFailure(bot);
      transcript.status = { code: failure === null ? "done" : "failed", sub_code: failure, at: at + TRANSCRIPT_MS };
      this.#o.onChange?.();
      const message = mediaMessage(bot, recording, transcript);
      await this.#o.outbox.send(bot.id, message.event, message.body);
    });
    return { bot, recording, transcript };
  }

  /** The control API's push: the bot goes to `code` now; call_ended and done finish it as Recall would. */
  push(id: string, code: string, subCode: string | null): BotState {
    const bot = this.get(id);
    if (isFinished(bot)) throw stateError("cannot_command_completed_bot", `The bot is already ${currentCode(bot)}: create a new bot.`);
    const driver = this.#o.driver;
    if (code === "call_ended") driver.endCall(bot, subCode ?? "call_ended_by_host");
    else if (code === "done") driver.finishNow(bot);
    else {
      const at = driver.meetingNow(bot);
      driver.halt(bot);
      bot.halted = true;
      void driver.apply(bot, code, subCode, at);
    }
    return bot;
  }

  #send(bot: BotState, messages: readonly Message[]): void {
    for (const m of messages) void this.#o.outbox.send(bot.id, m.event, m.body);
  }
}

const completed = () => stateError("cannot_command_completed_bot", "The bot has already left the call.");

function localUrls(config: JsonObject): string[] {
  const rc = (config["recording_config"] ?? {}) as JsonObject;
  const endpoints = Array.isArray(rc["realtime_endpoints"]) ? (rc["realtime_endpoints"] as JsonObject[]) : [];
  return endpoints.map((e) => String(e["url"] ?? "")).filter(isLocalUrl);
}

