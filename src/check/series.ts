import { buildEvent } from "../recall/build.js";
import type { HeaderChoice } from "../webhook/headers.js";
import { signatureHeaders } from "../webhook/headers.js";
import { unixSeconds } from "../webhook/sign.js";
import {
  compact, futureEvent, largeEvent, nullFieldsEvent, spacedBody, tamper, testBotId, testEvent, UNKNOWN_SUB_CODE,
} from "./bodies.js";
import type { CheckSpec, PlanContext, Send } from "./types.js";

// The series, as data: what each check sends, what it expects, why a failure matters and the
// handler-side fix. The runner sends; judge.ts decides.

const SKEW_SECONDS = 600;
export const FAST_COUNT = 20;
export const CONCURRENT_COUNT = 50;

const JSON_TYPE = { "content-type": "application/json", "user-agent": "recall-hooks-check" };

/** A body signed now (or at `timestamp`) with the run's secret, under a fresh message id. */
function signed(ctx: PlanContext, body: string, options: { family?: HeaderChoice; timestamp?: number; id?: string } = {}): Send {
  const id = options.id ?? ctx.newId();
  const request = ctx.signer.sign(id, options.timestamp ?? unixSeconds(ctx.now), body, options.family ?? ctx.headers);
  return { headers: { ...JSON_TYPE, ...request.headers }, body };
}

function valid(ctx: PlanContext, type = "bot.joining_call"): Send {
  return signed(ctx, compact(testEvent(type, ctx.random, { updatedAt: new Date(ctx.now) })));
}

/** A lifecycle's worth of events, repeated, for the deliveries in a row. */
const ROW = ["bot.joining_call", "bot.in_waiting_room", "bot.in_call_not_recording", "bot.in_call_recording", "bot.call_ended", "bot.done", "recording.done", "transcript.done", "participant_events.done", "meeting_metadata.done"];

const VERIFY_FIX = "verify the signature over the raw request body with your workspace secret (svix `new Webhook(secret).verify(rawBody, headers)`), compare in constant time, and answer 401 when it fails";
const RAW_FIX = "verify the raw bytes as received (express.raw({ type: \"application/json\" }), request.text(), request.body() in Fastify with a raw-body parser), then parse";
const ANSWER_FIX = "answer 2xx once the signature is verified and the event stored; treat codes, sub codes and event types you do not know as data (log them), never as errors";

export const SERIES: readonly CheckSpec[] = [
  {
    id: "accepts-valid", name: "accepts a valid delivery", sends: "a valid, freshly signed bot.joining_call", expected: "2xx",
    judging: "accept", mode: "sequence",
    why: "a valid delivery answered non-2xx is retried by Recall for about a day, then dropped",
    fix: `check the URL and the secret (Recall: Developers > API Keys & Secrets); ${VERIFY_FIX}`,
    plan: (ctx) => [valid(ctx)],
  },
  {
    id: "answers-fast", name: "answers fast", sends: `${FAST_COUNT} valid deliveries in a row`, expected: "every answer within the timeout",
    judging: "speed", mode: "sequence", timeoutFails: true,
    why: "Recall counts an answer slower than 15 s as failed and delivers the event again, however long the work took",
    fix: "answer 2xx first and do the work after (a queue, a background job); never call Recall's API or a slow service before answering",
    plan: (ctx) => Array.from({ length: FAST_COUNT }, (_, i) => valid(ctx, ROW[i % ROW.length])),
  },
  {
    id: "rejects-bad-signature", name: "rejects a forged signature", sends: "a valid body signed with another secret", expected: "4xx",
    judging: "reject", mode: "sequence",
    why: "a 2xx means anyone who knows the URL can forge bot events",
    fix: VERIFY_FIX,
    plan: (ctx) => {
      const body = compact(testEvent("bot.joining_call", ctx.random, { updatedAt: new Date(ctx.now) }));
      const request = ctx.other.sign(ctx.newId(), unixSeconds(ctx.now), body, ctx.headers);
      return [{ headers: { ...JSON_TYPE, ...request.headers }, body }];
    },
  },
  {
    id: "rejects-tampered-body", name: "rejects a changed body", sends: "a correctly signed body with one byte changed (still valid JSON)", expected: "4xx",
    judging: "reject", mode: "sequence",
    why: "a 2xx means the signature is not checked against the body: anyone can replay a signature with a body of their own",
    fix: VERIFY_FIX,
    plan: (ctx) => {
      const botId = testBotId(ctx.random);
      const body = compact(testEvent("bot.call_ended", ctx.random, { updatedAt: new Date(ctx.now), botId }));
      const send = signed(ctx, body);
      return [{ headers: send.headers, body: tamper(body, botId) }];
    },
  },
  {
    id: "rejects-missing-signature", name: "rejects an unsigned delivery", sends: "a valid body without any signature headers", expected: "4xx",
    judging: "reject", mode: "sequence",
    why: "a 2xx means the handler skips verification when the headers are missing: anyone can post unsigned events",
    fix: "treat missing webhook-id/webhook-timestamp/webhook-signature (and svix-*) headers as a failed verification: answer 401",
    plan: (ctx) => [{ headers: JSON_TYPE, body: compact(testEvent("bot.joining_call", ctx.random, { updatedAt: new Date(ctx.now) })) }],
  },
  {
    id: "rejects-stale", name: "rejects an old timestamp", sends: `a correct signature with a timestamp ${SKEW_SECONDS / 60} minutes old`, expected: "4xx",
    judging: "reject", mode: "sequence",
    why: "a 2xx means a captured delivery can be replayed at any time later (no replay protection)",
    fix: "reject timestamps more than 5 minutes from your clock (svix's Webhook.verify does; Recall's sample verify_requests_from_recall does not); keep the server's clock synced",
    plan: (ctx) => [signed(ctx, compact(testEvent("bot.done", ctx.random, { updatedAt: new Date(ctx.now) })), { timestamp: unixSeconds(ctx.now) - SKEW_SECONDS })],
  },
  {
    id: "rejects-future", name: "rejects a future timestamp", sends: `a correct signature with a timestamp ${SKEW_SECONDS / 60} minutes ahead`, expected: "4xx",
    judging: "reject", mode: "sequence",
    why: "a 2xx means a delivery signed ahead of time stays valid for as long as its timestamp says",
    fix: "reject timestamps more than 5 minutes from your clock in either direction (svix's Webhook.verify does)",
    plan: (ctx) => [signed(ctx, compact(testEvent("bot.done", ctx.random, { updatedAt: new Date(ctx.now) })), { timestamp: unixSeconds(ctx.now) + SKEW_SECONDS })],
  },
  {
    id: "raw-body", name: "verifies the raw body", sends: "a valid body spaced as Python writes it, with escaped non-ASCII (parse then stringify changes it)", expected: "2xx",
    judging: "accept", mode: "sequence",
    why: "a 4xx here is the re-serialisation bug: the handler verifies JSON.stringify(JSON.parse(body)), not the bytes Recall signed, and rejects real deliveries",
    fix: RAW_FIX,
    plan: (ctx) => [signed(ctx, spacedBody(ctx.random, new Date(ctx.now)))],
  },
  {
    id: "svix-headers", name: "reads svix-* headers", sends: "a valid delivery with svix-id/svix-timestamp/svix-signature only (legacy workspaces)", expected: "2xx",
    judging: "accept", mode: "sequence",
    why: "workspaces with per-endpoint Svix secrets send svix-* headers; a handler that reads only webhook-* rejects all of them",
    fix: "read webhook-* and fall back to svix-* (svix's Webhook.verify reads both)",
    plan: (ctx) => [signed(ctx, compact(testEvent("bot.in_call_recording", ctx.random, { updatedAt: new Date(ctx.now) })), { family: "svix" })],
  },
  {
    id: "multiple-signatures", name: "accepts several signatures", sends: "a signature header with an unknown version, a v1 from an old secret and a valid v1, space separated (secret rotation)", expected: "2xx",
    judging: "accept", mode: "sequence",
    why: "during a secret rotation Recall signs with both secrets; a handler that compares only the first signature rejects every delivery",
    fix: "split the signature header on spaces and accept when any v1 entry matches (svix's Webhook.verify does)",
    plan: (ctx) => {
      const body = compact(testEvent("bot.in_call_recording", ctx.random, { updatedAt: new Date(ctx.now) }));
      const id = ctx.newId();
      const ts = unixSeconds(ctx.now);
      const unknown = `v2,${Buffer.from(ctx.random()).toString("base64")}`;
      const signature = `${unknown} ${ctx.other.signature(id, ts, body)} ${ctx.signer.signature(id, ts, body)}`;
      return [{ headers: { ...JSON_TYPE, ...signatureHeaders(ctx.headers, id, ts, signature) }, body }];
    },
  },
  {
    id: "duplicate", name: "accepts a duplicate", sends: "the same message (same webhook-id) twice, the second with a fresh timestamp as a retry has", expected: "2xx both times",
    judging: "accept", mode: "sequence",
    why: "Recall delivers at least once; a retry that gets a non-2xx is retried again, for about a day",
    fix: "dedupe on the webhook-id: when it was seen before, answer 2xx and do nothing",
    plan: (ctx) => {
      const body = compact(testEvent("bot.in_call_recording", ctx.random, { updatedAt: new Date(ctx.now) }));
      const id = ctx.newId();
      return [signed(ctx, body, { id }), signed(ctx, body, { id, timestamp: unixSeconds(ctx.now) + 1 })];
    },
  },
  {
    id: "unknown-sub-code", name: "takes an unknown sub code", sends: `a bot.call_ended with the sub code "${UNKNOWN_SUB_CODE}"`, expected: "2xx",
    judging: "accept", mode: "sequence",
    why: "Recall adds sub codes without notice; a non-2xx makes Recall retry the event for a day, and the status is lost",
    fix: ANSWER_FIX,
    plan: (ctx) => [signed(ctx, compact(testEvent("bot.call_ended", ctx.random, { updatedAt: new Date(ctx.now), subCode: UNKNOWN_SUB_CODE })))],
  },
  {
    id: "unknown-event", name: "takes an unknown event type", sends: "a status event of a type Recall may add later", expected: "2xx",
    judging: "accept", mode: "sequence",
    why: "Recall adds event types; a handler that fails on them is retried for a day on every new event",
    fix: ANSWER_FIX,
    plan: (ctx) => [signed(ctx, compact(futureEvent(ctx.random, new Date(ctx.now))))],
  },
  {
    id: "legacy-status-change", name: "takes a legacy bot.status_change", sends: "a v1.10 bot.status_change body (status under data.status)", expected: "2xx",
    judging: "accept", mode: "sequence",
    why: "older workspaces still send bot.status_change; a handler that expects only the new shape fails on them",
    fix: "read data.status.code when data.data.code is absent, or answer 2xx and ignore the shape you do not use",
    plan: (ctx) => [signed(ctx, compact(buildEvent("bot.status_change", { botId: testBotId(ctx.random), code: "in_call_recording", subCode: null, updatedAt: new Date(ctx.now), random: ctx.random })))],
  },
  {
    id: "out-of-order", name: "takes statuses out of order", sends: "bot.done, then an older bot.in_call_recording for the same bot", expected: "2xx both times",
    judging: "accept", mode: "sequence",
    why: "Recall's deliveries are only roughly ordered; a handler that fails on a late status makes Recall retry it",
    fix: "answer 2xx, and keep the newest status per bot by data.data.updated_at rather than by arrival",
    plan: (ctx) => {
      const botId = testBotId(ctx.random);
      const done = testEvent("bot.done", ctx.random, { botId, updatedAt: new Date(ctx.now) });
      const older = testEvent("bot.in_call_recording", ctx.random, { botId, updatedAt: new Date(ctx.now - 60_000) });
      return [signed(ctx, compact(done)), signed(ctx, compact(older))];
    },
  },
  {
    id: "null-fields", name: "takes null fields", sends: "a bot.call_ended with sub_code null, a null metadata value and an empty metadata object", expected: "2xx",
    judging: "accept", mode: "sequence",
    why: "sub_code and metadata values are often null; a handler that dereferences them crashes and is retried",
    fix: "treat sub_code, metadata values and metadata itself as optional (sub_code?.startsWith, metadata ?? {})",
    plan: (ctx) => [signed(ctx, compact(nullFieldsEvent(ctx.random, new Date(ctx.now))))],
  },
  {
    id: "large-body", name: "takes a large body", sends: "a valid transcript.done of about 200 KB", expected: "2xx",
    judging: "accept", mode: "sequence",
    why: "body parsers cap bodies (express's default is 100 KB) and answer 413 to larger deliveries, which Recall retries",
    fix: "raise the raw body limit on the webhook route (express.raw({ type: \"application/json\", limit: \"1mb\" }))",
    plan: (ctx) => [signed(ctx, compact(largeEvent(ctx.random, new Date(ctx.now))))],
  },
  {
    id: "concurrency", name: "takes deliveries at once", sends: `${CONCURRENT_COUNT} valid deliveries at once`, expected: "2xx for all, no error",
    judging: "accept", mode: "parallel", timeoutFails: true,
    why: "Recall sends many bots' events in parallel; a handler that locks, runs out of connections or fails under load loses them to retries",
    fix: "answer each delivery independently and quickly; avoid global locks and per-request connections to your database",
    plan: (ctx) => Array.from({ length: CONCURRENT_COUNT }, (_, i) => valid(ctx, ROW[i % ROW.length])),
  },
];
