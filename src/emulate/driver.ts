import { setTimeout as delay } from "node:timers/promises";
import { findScenario, type ScenarioStep, withSubCode } from "../recall/scenarios.js";
import { MAX_DELAY_MS } from "../simulate/engine.js";
import { recordingSegments } from "../realtime/lifecycle.js";
import type { MeetingScript } from "../realtime/script.js";
import type { Outbox } from "./outbox.js";
import type { BotStream, RealtimeSeam } from "./realtime.js";
import {
  botMessage, completeRecording, failRecording, finishRecording, type Message, pauseRecording, startRecording, unfinished,
} from "./recording.js";
import type { BotState, RecordingState, StatusChange } from "./state.js";
import { currentCode, isFinished, lastAt, recordedMs } from "./state.js";
import type { BotStore } from "./store.js";

// Walks each bot through its scenario in meeting time: a step's timestamp is the previous one plus
// Recall's real delay, whatever the speed; the wait between steps is that delay divided by speed
// (speed 0 waits for nothing but the app's answers). leave_call, the recording commands and the
// control API interrupt the walk at the bot's current meeting time.

export interface DriverOptions {
  readonly store: BotStore;
  readonly outbox: Outbox;
  readonly speed: number;
  /** The meeting every bot attends: each recording period plays its share of it. */
  readonly script: MeetingScript;
  /** meeting_metadata's title. */
  readonly title: string;
  readonly now: () => number;
  readonly uuid: () => string;
  /** Real-time endpoints' streams (realtime.ts); none without it. */
  readonly realtime?: RealtimeSeam;
  readonly onStatus?: (bot: BotState, change: StatusChange) => void;
  /** After any change of state (persistence). */
  readonly onChange?: () => void;
}

interface Run {
  readonly controller: AbortController;
  /** Real time the current wait began, and the meeting-time wait it stands for. */
  waitStart: number;
  waitMs: number;
}

/** Post-call spacing at speed 1: recording.done a second after call_ended, each media half a second later. */
const RECORDING_DONE_MS = 1_000;
const MEDIA_DONE_MS = 500;
/** A create_transcript job's processing time at speed 1. */
export const TRANSCRIPT_MS = 5_000;

export class Driver {
  readonly #o: DriverOptions;
  readonly #runs = new Map<string, Run>();
  /** Real-time streams by bot: started, cut and ended by status changes, not by the walk. */
  readonly #streams = new Map<string, BotStream>();
  readonly #tasks = new Set<Promise<void>>();
  #closed = false;

  constructor(options: DriverOptions) {
    this.#o = options;
  }

  /** Starts (or resumes, after a restart) a bot's walk. */
  start(bot: BotState): void {
    if (isFinished(bot)) return;
    // A halted bot only moves again if it was finishing after its call (a restart mid-way).
    if (bot.halted) {
      if (currentCode(bot) === "call_ended") this.#track(bot, (run) => this.#finish(bot, run, 5_000));
      return;
    }
    this.#track(bot, (run) => this.#walk(bot, run));
  }

  /** Stops every walk (reset). */
  haltAll(): void {
    for (const run of this.#runs.values()) run.controller.abort();
    this.#runs.clear();
    this.#endStreams();
  }

  /** The bot's meeting time now: its last change plus the elapsed part of the wait under way. */
  meetingNow(bot: BotState): number {
    const run = this.#runs.get(bot.id);
    const now = this.#o.now();
    const elapsed = run === undefined || this.#o.speed === 0 ? 0 : Math.min(run.waitMs, (now - run.waitStart) * this.#o.speed);
    // Before joining, meeting time is the wall clock at the start of the wait for join_at, run forward by speed.
    if (bot.statusChanges.length === 0) return run === undefined ? now : run.waitStart + elapsed;
    return lastAt(bot) + Math.max(1, elapsed);
  }

  /** Stops the walk; the caller changes the bot. */
  halt(bot: BotState): void {
    this.#runs.get(bot.id)?.controller.abort();
    this.#runs.delete(bot.id);
  }

  /**
   * Applies one status change at meeting time `at`, with its effect on recordings and streams, and
   * sends its webhooks.
   */
  apply(bot: BotState, code: string, subCode: string | null, at: number): Promise<void> {
    const time = Math.max(at, lastAt(bot) + (bot.statusChanges.length === 0 ? 0 : 1));
    const previous = currentCode(bot);
    const change: StatusChange = { code, message: null, sub_code: subCode, at: time };
    bot.statusChanges.push(change);
    const messages: Message[] = [botMessage(bot, code, subCode, time)];
    if (code === "joining_call") bot.joinAt = null;
    if (code === "in_call_recording") {
      messages.push(...startRecording(bot, time, this.#o.uuid, this.#o.title));
    } else if (previous === "in_call_recording" && code === "in_call_not_recording") {
      messages.push(...pauseRecording(bot, time));
      this.#cutStream(bot, time);
    } else if (code === "call_ended") {
      completeRecording(bot, time);
      this.#cutStream(bot, time);
    } else if (code === "fatal") {
      messages.push(...failRecording(bot, time));
      this.#cutStream(bot, time);
    }
    if (code === "done" || code === "fatal") this.#o.store.finished(this.#o.now());
    this.#o.onStatus?.(bot, change);
    this.#o.onChange?.();
    const sent = this.#sendAll(bot, messages);
    if (code === "in_call_recording") this.#play(bot, time, sent);
    return sent;
  }

  /** Ends the call now (leave_call, a pushed call_ended) and finishes the bot as Recall does. */
  endCall(bot: BotState, subCode: string): void {
    const at = this.meetingNow(bot);
    this.halt(bot);
    bot.halted = true;
    const sent = this.apply(bot, "call_ended", subCode, at);
    this.#track(bot, async (run) => {
      if (this.#o.speed === 0) await sent;
      await this.#finish(bot, run, 5_000);
    });
  }

  /** Finishes the bot from where it is: media, then done. */
  finishNow(bot: BotState): void {
    this.halt(bot);
    bot.halted = true;
    this.#track(bot, (run) => this.#finish(bot, run, 0));
  }

  /** stop_recording: the stopped recording's media is done a second later, while the call goes on. */
  finishSoon(bot: BotState, recording: RecordingState): void {
    this.task(async (wait) => {
      if (!(await wait(RECORDING_DONE_MS)) || !unfinished(bot).includes(recording)) return;
      const messages = finishRecording(bot, recording, (i) => (recording.completedAt ?? lastAt(bot)) + RECORDING_DONE_MS + i * MEDIA_DONE_MS);
      this.#o.onChange?.();
      await this.#sendAll(bot, messages);
    });
  }

  /** Runs a job tied to no walk (create_transcript), tracked so close() can wait for it. */
  task(work: (wait: (ms: number) => Promise<boolean>) => Promise<void>): void {
    const controller = new AbortController();
    const job = work((ms) => this.#sleep(ms, controller.signal)).catch(() => undefined);
    this.#tasks.add(job);
    void job.finally(() => this.#tasks.delete(job));
  }

  /** Stops every walk and waits for them to end. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const run of this.#runs.values()) run.controller.abort();
    this.#endStreams();
    while (this.#tasks.size > 0) await Promise.all([...this.#tasks]);
  }

  /** Waits until every bot's walk and job has ended (tests, the 100-bot run). */
  async idle(): Promise<void> {
    while (this.#tasks.size > 0) await Promise.all([...this.#tasks]);
  }

  #track(bot: BotState, work: (run: Run) => Promise<void>): void {
    if (this.#closed) return;
    const run: Run = { controller: new AbortController(), waitStart: this.#o.now(), waitMs: 0 };
    this.#runs.set(bot.id, run);
    const job = work(run).catch(() => undefined).finally(() => {
      if (this.#runs.get(bot.id) === run) this.#runs.delete(bot.id);
    });
    this.#tasks.add(job);
    void job.finally(() => this.#tasks.delete(job));
  }

  async #walk(bot: BotState, run: Run): Promise<void> {
    // Let the create request answer first: Recall's 201 shows no status change yet.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (run.controller.signal.aborted) return;
    const steps = stepsOf(bot, this.#o.script.duration * 1000);
    if (bot.statusChanges.length === 0 && bot.joinAt !== null && bot.joinAt > this.#o.now()) {
      if (!(await this.#wait(run, bot.joinAt - this.#o.now()))) return;
    }
    while (bot.step < steps.length) {
      const step = steps[bot.step]!;
      const code = step.event.slice("bot.".length);
      if (code === "done") {
        bot.step += 1;
        return this.#finish(bot, run, step.delayMs);
      }
      if (bot.statusChanges.length > 0 && !(await this.#wait(run, step.delayMs))) return;
      // As fast as the app answers: the stream's frames reach it before the status that ends them.
      if (this.#o.speed === 0 && currentCode(bot) === "in_call_recording") await this.#streams.get(bot.id)?.played();
      bot.step += 1;
      if (code === currentCode(bot) || (code === "in_call_recording" && manualStart(bot))) continue;
      const at = bot.statusChanges.length === 0 ? Math.max(this.#o.now(), bot.joinAt ?? 0) : lastAt(bot) + step.delayMs;
      const sent = this.apply(bot, code, step.subCode === undefined ? null : step.subCode, at);
      if (this.#o.speed === 0) await sent;
      if (run.controller.signal.aborted) return;
    }
  }

  /**
   * After the call: each completed recording becomes done a second after call_ended, its media half a
   * second apart, and the bot is done `doneMs` after call_ended (later if the media needs longer).
   */
  async #finish(bot: BotState, run: Run, doneMs: number): Promise<void> {
    const ended = lastAt(bot);
    let offset = 0;
    for (const recording of unfinished(bot)) {
      if (!(await this.#wait(run, RECORDING_DONE_MS))) return;
      offset += RECORDING_DONE_MS;
      // stop_recording may have finished it meanwhile.
      if (!unfinished(bot).includes(recording)) continue;
      const base = ended + offset;
      const messages = finishRecording(bot, recording, (i) => base + i * MEDIA_DONE_MS);
      this.#o.onChange?.();
      const sent = this.#sendAll(bot, messages);
      if (this.#o.speed === 0) await sent;
      offset += recording.media.length * MEDIA_DONE_MS;
    }
    const rest = Math.max(MEDIA_DONE_MS, doneMs - offset);
    if (!(await this.#wait(run, rest))) return;
    const sent = this.apply(bot, "done", null, ended + offset + rest);
    if (this.#o.speed === 0) await sent;
  }

  async #wait(run: Run, ms: number): Promise<boolean> {
    run.waitStart = this.#o.now();
    run.waitMs = ms;
    return this.#sleep(ms, run.controller.signal);
  }

  /** Sleeps ms of meeting time; false when aborted. */
  async #sleep(ms: number, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted || this.#closed) return false;
    if (this.#o.speed > 0 && ms > 0) await delay(Math.min(ms / this.#o.speed, MAX_DELAY_MS), undefined, { signal }).catch(() => undefined);
    return !signal.aborted && !this.#closed;
  }

  #sendAll(bot: BotState, messages: readonly Message[]): Promise<void> {
    return Promise.all(messages.map((m) => this.#o.outbox.send(bot.id, m.event, m.body))).then(() => undefined);
  }

  /**
   * The recording (re)started at `at`: its stream plays on from where the recording is, up to where the
   * walk will end the period (its next step). At speed 0 it plays once the status webhooks are
   * answered, so a leave_call or pause from the app's handler cuts it where it began.
   */
  #play(bot: BotState, at: number, sent: Promise<void>): void {
    const recording = bot.recordings.find((r) => r.completedAt === null);
    if (this.#o.realtime === undefined || recording === undefined || this.#closed) return;
    if (this.#streams.get(bot.id)?.recordingId !== recording.id) this.#cutStream(bot, at);
    const stream = this.#streams.get(bot.id) ?? this.#o.realtime.open(bot, recording);
    if (stream === null) return;
    this.#streams.set(bot.id, stream);
    const fromMs = recordedMs(recording, at);
    const next = bot.halted ? undefined : stepsOf(bot, this.#o.script.duration * 1000)[bot.step];
    const period = { at, fromMs, toMs: next === undefined ? Number.POSITIVE_INFINITY : fromMs + next.delayMs };
    stream.play(period, this.#o.speed > 0 ? undefined : sent);
  }

  /** The recording paused, stopped or ended: the stream stops where it did, and ends with the recording. */
  #cutStream(bot: BotState, at: number): void {
    const stream = this.#streams.get(bot.id);
    if (stream === undefined) return;
    const recording = bot.recordings.find((r) => r.id === stream.recordingId);
    stream.cut(recording === undefined ? 0 : recordedMs(recording, at));
    if (recording === undefined || recording.completedAt !== null) {
      this.#streams.delete(bot.id);
      void stream.end();
    }
  }

  #endStreams(): void {
    for (const stream of this.#streams.values()) {
      stream.cut(0);
      void stream.end();
    }
    this.#streams.clear();
  }
}

function manualStart(bot: BotState): boolean {
  const config = (bot.config["recording_config"] ?? {}) as Record<string, unknown>;
  return config["start_recording_on"] === "manual" && bot.recordings.length === 0;
}

/**
 * The bot's scenario steps (bot statuses only; media events come from the recordings), each
 * recording period lasting its share of the meeting script, as simulate's real-time runs do.
 */
export function stepsOf(bot: BotState, scriptMs: number): readonly ScenarioStep[] {
  const scenario = findScenario(bot.scenario);
  const chosen = bot.subCode !== null ? withSubCode(scenario, bot.subCode) : scenario;
  return recordingSegments(chosen.steps, scriptMs).steps;
}
