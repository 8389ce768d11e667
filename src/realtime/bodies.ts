import { randomUUID } from "node:crypto";
import { type BodyFormat, formatBody } from "../recall/body-format.js";
import { type BuildContext, createContext } from "../recall/build-parts.js";
import { type WordTiming, participantEventData, rawMediaData, transcriptData } from "../recall/build-realtime.js";
import type { Frame } from "./frames.js";
import { type Voice, colourOf, pcmChunk, solidPng, voiceHz } from "./media.js";
import { type MeetingScript, type ScriptParticipant, utteranceEnd } from "./script.js";

// A frame's body as Recall sends it to one endpoint: the envelope of build-realtime.ts with the
// bot's ids (the same as its status webhooks'), the endpoint's own realtime_endpoint id, and times
// taken from the run's clock when the frame goes out.

/** The ids of one bot's recording, shared by every endpoint it streams to. */
export interface StreamIdentity {
  readonly botId: string;
  readonly recordingId: string;
  readonly metadata: Readonly<Record<string, string>>;
  /** transcript, participant_events, audio_mixed, audio_separate, video_separate */
  readonly resourceIds: Readonly<Record<string, string>>;
}

export function streamIdentity(botId: string, recordingId: string, metadata: Readonly<Record<string, string>> = {}, uuid: () => string = randomUUID): StreamIdentity {
  const keys = ["transcript", "participant_events", "audio_mixed", "audio_separate", "video_separate"];
  return { botId, recordingId, metadata, resourceIds: Object.fromEntries(keys.map((k) => [k, uuid()])) };
}

/** Frame dimensions: Recall's PNG frames are 360x640. */
export const VIDEO_WIDTH = 640;
export const VIDEO_HEIGHT = 360;

/** Builds the bodies of one bot's frames for one endpoint. */
export class FrameBodies {
  readonly #script: MeetingScript;
  readonly #ctx: BuildContext;
  readonly #format: BodyFormat;
  readonly #voices: Map<number | null, Voice[]>;
  readonly #pngs = new Map<string, string>();

  constructor(script: MeetingScript, identity: StreamIdentity, endpointId: string, format: BodyFormat = "spaced") {
    this.#script = script;
    this.#format = format;
    this.#ctx = createContext("realtime", {
      botId: identity.botId, recordingId: identity.recordingId, metadata: { ...identity.metadata },
      resourceIds: { ...identity.resourceIds, realtime_endpoint: endpointId },
    });
    this.#voices = voicesOf(script);
  }

  /** The exact text sent; `absolute` turns seconds of recording into epoch ms. */
  body(frame: Frame, absolute: (seconds: number) => number): string {
    return formatBody({ event: frame.event, data: this.#data(frame, absolute) }, this.#format);
  }

  #data(frame: Frame, absolute: (seconds: number) => number): Record<string, unknown> {
    const spec = frame.spec;
    const stamp = (seconds: number): { absolute: string; relative: number } => ({ absolute: new Date(absolute(seconds)).toISOString(), relative: seconds });
    switch (spec.kind) {
      case "participant": {
        const participant = { ...this.#participant(spec.participant), email: spec.email };
        return participantEventData(this.#ctx, participant, stamp(spec.at), spec.chat);
      }
      case "transcript": {
        const words: WordTiming[] = spec.words.map((w) => ({ text: w.text, start_timestamp: stamp(w.start), end_timestamp: stamp(w.end) }));
        return transcriptData(this.#ctx, words, this.#participant(spec.participant));
      }
      case "audio": {
        const pcm = pcmChunk(this.#voices.get(spec.participant) ?? [], spec.fromMs, spec.ms).toString("base64");
        const resource = spec.participant === null ? "audio_mixed" : "audio_separate";
        const participant = spec.participant === null ? undefined : this.#participant(spec.participant);
        return rawMediaData(this.#ctx, resource, pcm, stamp(spec.fromMs / 1000), participant);
      }
      case "video":
        return rawMediaData(this.#ctx, "video_separate", this.#png(spec.participant, spec.type), stamp(spec.at), this.#participant(spec.participant), spec.type);
    }
  }

  #participant(id: number): Record<string, unknown> {
    const p: ScriptParticipant | undefined = this.#script.participants.find((x) => x.id === id);
    if (p === undefined) throw new Error(`no participant ${id} in the script`);
    return { id: p.id, name: p.name, is_host: p.isHost, platform: p.platform, extra_data: { ...p.extraData } };
  }

  #png(participant: number, type: "webcam" | "screenshare"): string {
    const key = `${participant}:${type}`;
    let png = this.#pngs.get(key);
    if (png === undefined) {
      const index = this.#script.participants.findIndex((p) => p.id === participant);
      png = solidPng(VIDEO_WIDTH, VIDEO_HEIGHT, colourOf(index, type === "screenshare")).toString("base64");
      this.#pngs.set(key, png);
    }
    return png;
  }
}

/** Who sounds when: each participant's utterances at their own pitch; null is the mix of everyone. */
export function voicesOf(script: MeetingScript): Map<number | null, Voice[]> {
  const out = new Map<number | null, Voice[]>([[null, []]]);
  script.participants.forEach((p, index) => {
    const own = script.utterances.filter((u) => u.speaker === p.id).map((u) => ({ from: u.at, to: utteranceEnd(u), hz: voiceHz(index) }));
    out.set(p.id, own);
    out.get(null)!.push(...own);
  });
  return out;
}
