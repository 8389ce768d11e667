import { recordedSpan } from "../recording.js";
import type { BotState, MediaState, RecordingState } from "../state.js";
import { mediaView, recordingView, transcriptView } from "../views.js";
import { notFound } from "./errors.js";
import { RATE_LIMITS } from "./limits.js";
import { cursorOf } from "./pagination.js";
import { json, type Route, type RouteContext } from "./router.js";

// Recordings, transcripts, media objects, and the downloads the emulator serves itself: the artefacts
// of the emulated meeting, generated on request.

const ID = "([0-9a-fA-F-]{36})";
const workspace = { key: "create-or-list", limit: RATE_LIMITS.createOrList };
const command = { key: "bot-command", limit: RATE_LIMITS.botCommand };
const MEDIA_KINDS = ["video_mixed", "audio_mixed", "participant_events", "meeting_metadata"];

function recordings(ctx: RouteContext, url: URL): Array<{ bot: BotState; recording: RecordingState }> {
  const botId = url.searchParams.get("bot_id");
  const status = url.searchParams.get("status_code");
  return [...ctx.store.recordings()].filter(({ bot, recording }) =>
    (botId === null || bot.id === botId) && (status === null || recording.status.code === status));
}

function mediaList(ctx: RouteContext, url: URL, kind: string): Array<{ recording: RecordingState; media: MediaState }> {
  const recordingId = url.searchParams.get("recording_id");
  const out: Array<{ recording: RecordingState; media: MediaState }> = [];
  for (const { recording } of recordings(ctx, url)) {
    if (recordingId !== null && recording.id !== recordingId) continue;
    for (const media of kind === "transcript" ? [...recording.media, ...recording.transcripts] : recording.media) {
      if (media.kind === kind) out.push({ recording, media });
    }
  }
  return out;
}

const mediaRoutes = (kind: string): Route[] => [
  {
    method: "GET", pattern: new RegExp(`^/api/v1/${kind}$`), bucket: () => workspace,
    handle: (req, _p, ctx) => {
      const page = cursorOf(mediaList(ctx, req.url, kind), req.url);
      return json(200, { ...page, results: page.results.map(({ recording, media }) => mediaView(ctx.base, media, recording)) });
    },
  },
  {
    method: "GET", pattern: new RegExp(`^/api/v1/${kind}/${ID}$`), bucket: () => command,
    handle: (_r, [id], ctx) => {
      const hit = ctx.store.findMedia(id!, kind);
      if (hit === undefined) throw notFound();
      return json(200, kind === "transcript" ? transcriptView(ctx.base, hit.bot, hit.recording, hit.media) : mediaView(ctx.base, hit.media, hit.recording));
    },
  },
  {
    method: "PATCH", pattern: new RegExp(`^/api/v1/${kind}/${ID}$`), bucket: () => command,
    handle: (req, [id], ctx) => {
      const { recording, media } = ctx.bots.updateMedia(kind, id!, req.body);
      const bot = ctx.store.findRecording(recording.id)!.bot;
      return json(200, kind === "transcript" ? transcriptView(ctx.base, bot, recording, media) : mediaView(ctx.base, media, recording));
    },
  },
  {
    method: "DELETE", pattern: new RegExp(`^/api/v1/${kind}/${ID}$`), bucket: () => command,
    handle: (_r, [id], ctx) => { ctx.bots.deleteMediaObject(kind, id!); return { status: 204 }; },
  },
];

export const MEDIA_ROUTES: readonly Route[] = [
  {
    method: "GET", pattern: /^\/api\/v1\/recording$/, bucket: () => workspace,
    handle: (req, _p, ctx) => {
      const page = cursorOf(recordings(ctx, req.url), req.url);
      return json(200, { ...page, results: page.results.map(({ bot, recording }) => recordingView(ctx.base, bot, recording, true)) });
    },
  },
  {
    method: "GET", pattern: new RegExp(`^/api/v1/recording/${ID}$`), bucket: () => command,
    handle: (_r, [id], ctx) => {
      const hit = ctx.store.findRecording(id!);
      if (hit === undefined) throw notFound();
      return json(200, recordingView(ctx.base, hit.bot, hit.recording, true));
    },
  },
  {
    method: "DELETE", pattern: new RegExp(`^/api/v1/recording/${ID}$`), bucket: () => command,
    handle: (_r, [id], ctx) => { ctx.bots.deleteRecording(id!); return { status: 204 }; },
  },
  {
    method: "POST", pattern: new RegExp(`^/api/v1/recording/${ID}/create_transcript$`),
    bucket: ([id], ctx) => ({ key: `create-transcript:${ctx.store.findRecording(id!)?.bot.id ?? id}`, limit: RATE_LIMITS.createTranscriptPerBot }),
    handle: (req, [id], ctx) => {
      const { bot, recording, transcript } = ctx.bots.createTranscript(id!, req.body);
      return json(200, transcriptView(ctx.base, bot, recording, transcript));
    },
  },
  ...mediaRoutes("transcript"),
  ...MEDIA_KINDS.flatMap(mediaRoutes),
];

/** `/api/v1/download/<kind>?token=<media id>`: no auth header, as Recall's download links. */
export const DOWNLOAD_ROUTE: Route = {
  method: "GET", pattern: /^\/api\/v1\/download\/([a-z_]+)$/,
  handle: (req, [kind], ctx) => {
    const hit = ctx.store.findMedia(req.url.searchParams.get("token") ?? "");
    if (hit === undefined || hit.media.status.code !== "done" || hit.recording.seconds === null) throw notFound();
    const span = recordedSpan(hit.recording);
    const meeting = ctx.artefacts;
    const expect = (k: string): void => { if (hit.media.kind !== k) throw notFound(); };
    switch (kind) {
      case "transcript": expect("transcript"); return json(200, meeting.transcript(span));
      case "provider_data": expect("transcript"); return json(200, { provider: Object.keys(hit.media.provider ?? {})[0] ?? null, results: meeting.transcript(span) });
      case "participant_events": expect("participant_events"); return json(200, meeting.participantEvents(span, hit.recording.id));
      case "speaker_timeline": expect("participant_events"); return json(200, meeting.speakerTimeline(span));
      case "participants": expect("participant_events"); return json(200, meeting.participants(span));
      case "video_mixed":
      case "audio_mixed":
        expect(kind);
        return { status: 200, raw: { type: "audio/wav", data: meeting.wav(span) }, headers: { "content-disposition": `attachment; filename="${hit.recording.id}.wav"` } };
      default: throw notFound();
    }
  },
};
