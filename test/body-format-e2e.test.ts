import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { after, before, describe, it } from "node:test";
import { Webhook } from "svix";
import { generateSecret } from "../src/webhook/secret.js";
import { runCli } from "./helpers/cli.js";

const secret = generateSecret();

/**
 * The commonest handler bug: a JSON body parser first (express.json()), then the signature checked
 * over JSON.stringify(req.body) instead of the raw bytes.
 */
async function reserialisingHandler(): Promise<{ server: Server; url: string; statuses: number[] }> {
  const statuses: number[] = [];
  const webhook = new Webhook(secret);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      let status = 204;
      try {
        const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        webhook.verify(JSON.stringify(parsed), req.headers as Record<string, string>);
      } catch {
        status = 401;
      }
      statuses.push(status);
      res.writeHead(status).end(status === 401 ? "invalid signature" : undefined);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/webhooks/recall`, statuses };
}

function allAre(statuses: readonly number[], status: number): boolean {
  return statuses.length > 0 && statuses.every((s) => s === status);
}

describe("generated bodies do not survive a parse/stringify round trip by default (issue 8 defect 3)", () => {
  let handler: Awaited<ReturnType<typeof reserialisingHandler>>;
  before(async () => { handler = await reserialisingHandler(); });
  after(() => new Promise<void>((r) => { handler.server.closeAllConnections(); handler.server.close(() => r()); }));

  const runs: readonly (readonly [string, readonly string[]])[] = [
    ["simulate lifecycle", ["simulate", "lifecycle", "--speed", "0", "--json"]],
    ["sign --send", ["sign", "--event", "bot.in_call_recording", "--json"]],
    ["replay of a fixture by name", ["replay", "bot.fatal", "--json"]],
  ];
  for (const [name, args] of runs) {
    it(`${name}: 401 from a re-serialising handler by default, 2xx with --body-format compact`, async () => {
      const to = args[0] === "sign" ? ["--send", handler.url] : ["--to", handler.url];
      handler.statuses.length = 0;
      const spaced = await runCli([...args, ...to, "--secret", secret]);
      assert.equal(spaced.code, 1, spaced.stderr);
      assert.ok(allAre(handler.statuses, 401), handler.statuses.join());
      handler.statuses.length = 0;
      const compact = await runCli([...args, ...to, "--secret", secret, "--body-format", "compact"]);
      assert.equal(compact.code, 0, compact.stderr);
      assert.ok(allAre(handler.statuses, 204), handler.statuses.join());
    });
  }

  it("the default body is Python's json.dumps: spaced separators and \\u-escaped non-ASCII in a name", async () => {
    const { code, stdout, stderr } = await runCli(["sign", "--event", "bot.done", "--format", "json", "--secret", secret]);
    assert.equal(code, 0, stderr);
    const body = (JSON.parse(stdout) as { body: string }).body;
    assert.match(body, /^\{"event": "bot\.done", "data": \{/);
    assert.match(body, /\\u00eb/, "a non-ASCII name, escaped as ensure_ascii does");
    assert.ok(/^[\x20-\x7e]*$/.test(body), "nothing but printable ASCII");
    const pretty = await runCli(["sign", "--event", "bot.done", "--format", "json", "--secret", secret, "--body-format", "pretty"]);
    assert.match((JSON.parse(pretty.stdout) as { body: string }).body, /^\{\n {2}"event": "bot\.done",\n/);
  });

  it("--body-format does not apply to bytes given as a file: they are signed and sent as they are", async () => {
    const { code, stderr } = await runCli(["sign", "-", "--secret", secret, "--body-format", "compact"], { input: '{"event": "bot.done"}' });
    assert.equal(code, 2);
    assert.match(stderr, /^error: --body-format shapes bodies built with --event; a file is signed byte for byte: drop --body-format\.\n$/);
  });

  it("replay refuses --body-format when no input is a fixture named by event type: files keep their bytes", async () => {
    const { code, stderr } = await runCli(["replay", "fixtures/events/bot.done.json", "--to", handler.url, "--secret", secret, "--body-format", "compact"]);
    assert.equal(code, 2);
    assert.match(stderr, /^error: --body-format shapes fixtures named by event type \(bot\.fatal\), and these inputs are files, sent byte for byte: drop --body-format\.\n$/);
  });
});
