import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startEmulator, type Emulator } from "../src/emulate/emulator.js";
import { meetingScript, wordsOf } from "../src/realtime/script.js";
import { generateSecret } from "../src/webhook/secret.js";
import { type Hook, MEET, recallClient, WebhookApp } from "./helpers/emulate.js";

// Real-time streams follow the recording: what streamed while the bot recorded is what the transcript
// download holds, pauses included (the scenario's own, and pause_recording/resume_recording).

const secret = generateSecret();

/** [speaker, word, relative, absolute ms] of transcript parts. */
function words(parts: any[]): Array<[number, string, number, number]> {
  return parts.flatMap((p) => p.words.map((w: any) => [p.participant.id, w.text, w.start_timestamp.relative, Date.parse(w.start_timestamp.absolute)]));
}

describe("emulate: real-time streams follow the recording", () => {
  let app: WebhookApp;
  let emu: Emulator;
  let call: ReturnType<typeof recallClient>;
  before(async () => {
    app = await WebhookApp.start(secret);
    emu = await startEmulator({ speed: 0, secret, webhookTo: [app.url] });
    call = recallClient(emu.url, emu.apiKey);
  });
  after(async () => { await emu.close(); await app.close(); });

  const create = async (extra: Record<string, unknown> = {}): Promise<string> => {
    const created = await call("POST", "/api/v1/bot/", {
      meeting_url: MEET, ...extra,
      recording_config: {
        transcript: { provider: { recallai_streaming: {} } },
        realtime_endpoints: [{ type: "webhook", url: `${app.url}?realtime=1`, events: ["transcript.data", "participant_events.join"] }],
      },
    });
    assert.equal(created.status, 201);
    return created.json.id as string;
  };

  /** The bot's streamed transcript.data parts, its downloaded transcript, and its status changes. */
  const outcome = async (id: string): Promise<{ streamed: any[]; downloaded: any[]; changes: any[]; hooks: Hook[] }> => {
    await app.waitFor((h) => h.event === "bot.done" && h.botId === id);
    await emu.idle();
    const bot = (await call("GET", `/api/v1/bot/${id}/`)).json;
    const downloaded = await (await fetch(bot.recordings[0].media_shortcuts.transcript.data.download_url)).json() as any[];
    const hooks = app.hooks.filter((h) => h.botId === id);
    assert.ok(hooks.every((h) => h.verified));
    const streamed = hooks.filter((h) => h.event === "transcript.data").map((h) => h.body.data["data"]);
    return { streamed, downloaded, changes: bot.status_changes, hooks };
  };

  /** outcome() of a new bot under the handler the test set, which is then put back to answering 204. */
  const outcomeHandled = async (): ReturnType<typeof outcome> => {
    try {
      return await outcome(await create());
    } finally {
      app.handle = () => 204;
    }
  };

  it("the paused-resumed scenario: the script plays once across both periods, nothing while paused", async () => {
    const { streamed, downloaded, changes, hooks } = await outcome(await create({ metadata: { recall_hooks_scenario: "paused-resumed" } }));
    const script = await meetingScript();
    assert.deepEqual(words(streamed), words(downloaded));
    assert.deepEqual(words(streamed).map((w) => w[1]), script.utterances.flatMap((u) => wordsOf(u.text)), "every word once, in order");
    const [, resumed] = changes.filter((c: any) => c.code === "in_call_recording").map((c: any) => Date.parse(c.created_at));
    const paused = Date.parse(changes.filter((c: any) => c.code === "in_call_not_recording" && Date.parse(c.created_at) < resumed!).at(-1).created_at);
    const times = words(streamed).map((w) => w[3]);
    assert.ok(times.every((t) => t < paused || t >= resumed!), "no word is stamped while the recording was paused");
    assert.ok(times.some((t) => t < paused) && times.some((t) => t >= resumed!), "words in both periods");
    const relative = words(streamed).map((w) => w[2]);
    assert.deepEqual([...relative].sort((a, b) => a - b), relative, "relative times count recording, across the pause");
    const events = hooks.map((h) => h.event);
    assert.ok(events.includes("recording.paused"));
  });

  it("pause_recording and resume_recording from the app's handler cut the stream and play it on", async () => {
    const answers: number[] = [];
    app.handle = async (hook) => {
      if (hook.event === "bot.in_call_recording" && answers.length === 0) {
        answers.push((await call("POST", `/api/v1/bot/${hook.botId}/pause_recording/`)).status);
        answers.push((await call("POST", `/api/v1/bot/${hook.botId}/resume_recording/`)).status);
      }
      return 204;
    };
    const { streamed, downloaded, changes } = await outcomeHandled();
    assert.deepEqual(answers, [200, 200]);
    assert.deepEqual(changes.map((c: any) => c.code).slice(-5), ["in_call_recording", "in_call_not_recording", "in_call_recording", "call_ended", "done"]);
    assert.ok(streamed.length > 0);
    assert.deepEqual(words(streamed), words(downloaded), "what streamed is what downloads");
  });

  it("leave_call from the in_call_recording handler: nothing was said, nothing streamed or downloaded", async () => {
    app.handle = async (hook) => {
      if (hook.event === "bot.in_call_recording") await call("POST", `/api/v1/bot/${hook.botId}/leave_call/`);
      return 204;
    };
    const result = await outcomeHandled();
    assert.deepEqual(words(result.streamed), []);
    assert.deepEqual(words(result.downloaded), []);
    assert.equal(result.changes.at(-2).sub_code, "bot_received_leave_call");
  });
});
