import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { describe, it } from "node:test";
import type { CommandContext } from "../src/commands/context.js";
import { runVerify, type VerifyCommandOptions } from "../src/commands/verify-run.js";
import { generateSecret } from "../src/webhook/secret.js";
import { Signer } from "../src/webhook/sign.js";

const secret = generateSecret();
const NOW = 1_760_000_000;

/** A command context whose stdin holds `input` and may claim to be a terminal. */
function context(input: string, tty: boolean): { ctx: CommandContext; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (c: Buffer) => { out += c.toString(); });
  stderr.on("data", (c: Buffer) => { err += c.toString(); });
  const stdin = Object.assign(new PassThrough(), { isTTY: tty });
  stdin.end(input);
  const ctx: CommandContext = {
    stdout, stderr, stdin, env: { NO_COLOR: "1" }, cwd: process.cwd(), now: () => NOW * 1000,
    interruption: () => new Promise<void>(() => undefined), exitCode: 0,
  };
  return { ctx, out: () => out, err: () => err };
}

function capture(body: string, timestamp = NOW): string {
  const signed = new Signer(secret).sign("msg_v", timestamp, body);
  return JSON.stringify({ headers: signed.headers, body });
}

const options = (more: Partial<VerifyCommandOptions> = {}): VerifyCommandOptions => ({ secret, tolerance: 300, ...more });

describe("verify reading a terminal (issue 8 defect 8)", () => {
  it("prints a one-line note on stderr when no file is given and stdin is a terminal", async () => {
    const t = context(capture('{"event": "bot.done"}'), true);
    assert.equal(await runVerify(undefined, options(), t.ctx), 0);
    assert.match(t.err(), /^Reading the delivery from stdin \(Ctrl-D to end; pass a file or - to skip this note\)\.\.\.\n/);
    assert.equal(t.err().split("\n").filter(Boolean).length, 1);
  });

  it("says nothing when stdin is a pipe, or when - is given", async () => {
    const piped = context(capture('{"event": "bot.done"}'), false);
    assert.equal(await runVerify(undefined, options(), piped.ctx), 0);
    assert.equal(piped.err(), "");
    const dash = context(capture('{"event": "bot.done"}'), true);
    assert.equal(await runVerify("-", options(), dash.ctx), 0);
    assert.equal(dash.err(), "");
  });
});

describe("verify of a request without a body (issue 8 defect 15)", () => {
  const signed = new Signer(secret).sign("msg_get", NOW, "");
  it("a capture with an empty body, or with no body at all (a GET or a WebSocket upgrade), is valid", async () => {
    for (const doc of [{ headers: signed.headers, body: "" }, { method: "GET", headers: signed.headers }]) {
      const t = context(JSON.stringify(doc), false);
      assert.equal(await runVerify("-", options({ json: true }), t.ctx), 0, t.err());
      assert.deepEqual(JSON.parse(t.out()).reason, "valid");
    }
  });

  it("a bodiless capture signed with another secret, or over a body, is invalid", async () => {
    const other = new Signer(generateSecret()).sign("msg_get", NOW, "");
    const overBody = new Signer(secret).sign("msg_get", NOW, "{}");
    for (const headers of [other.headers, overBody.headers]) {
      const t = context(JSON.stringify({ headers }), false);
      assert.equal(await runVerify("-", options({ json: true }), t.ctx), 1, t.err());
      assert.equal(JSON.parse(t.out()).reason, "no_matching_signature");
    }
  });
});

describe("verify of a journal judges each timestamp at its received_at (issue 8 defect 14)", () => {
  const dayAgo = NOW - 86_400;
  const line = (id: string, signedAt: number, receivedAt: number): string => {
    const body = `{"event": "bot.done", "id": "${id}"}`;
    const signed = new Signer(secret).sign(id, signedAt, body);
    return JSON.stringify({ type: "delivery", key: `k_${id}`, id, received_at: new Date(receivedAt * 1000).toISOString(), headers: signed.headers, body, forward_to: [] });
  };
  const journal = [line("msg_a", dayAgo, dayAgo + 1), line("msg_b", dayAgo - 900, dayAgo)].join("\n");

  it("a day-old journal verifies by default; a delivery signed long before it arrived does not", async () => {
    const t = context(journal, false);
    assert.equal(await runVerify("-", options({ json: true }), t.ctx), 1);
    const records = t.out().trim().split("\n").map((l) => JSON.parse(l) as { id: string; reason: string; skew_seconds: number });
    assert.deepEqual(records.map((r) => [r.id, r.reason, r.skew_seconds]), [["msg_a", "valid", 1], ["msg_b", "timestamp_too_old", 900]]);
  });

  it("--now still overrides it", async () => {
    const t = context(journal.split("\n")[0]!, false);
    assert.equal(await runVerify("-", options({ json: true, now: NOW }), t.ctx), 1);
    assert.equal((JSON.parse(t.out()) as { reason: string }).reason, "timestamp_too_old");
  });

  it("a capture without received_at is judged now", async () => {
    const t = context(capture('{"event": "bot.done"}', dayAgo), false);
    assert.equal(await runVerify("-", options({ json: true }), t.ctx), 1);
    assert.equal((JSON.parse(t.out()) as { reason: string }).reason, "timestamp_too_old");
  });
});
