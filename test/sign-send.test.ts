import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createDispatcher, deliver } from "../src/webhook/deliver.js";
import { generateSecret } from "../src/webhook/secret.js";
import { runCli } from "./helpers/cli.js";

const secret = generateSecret();

/** A server on port 0 that answers every request with `status`, and counts what it saw. */
async function serve(host: string, status = 204): Promise<{ server: Server; url: string; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(req.url ?? "");
    req.resume().on("end", () => res.writeHead(status).end(status === 204 ? undefined : "nope"));
  });
  // A proxy is asked to tunnel with CONNECT: note the target and refuse.
  server.on("connect", (req, socket) => { seen.push(`CONNECT ${req.url}`); socket.end("HTTP/1.1 403 Forbidden\r\n\r\n"); });
  await new Promise<void>((r) => server.listen(0, host, r));
  return { server, url: `http://${host}:${(server.address() as { port: number }).port}/hooks`, seen };
}

describe("sign: one JSON document, conflicting flags, empty bodies (the built binary)", () => {
  let target: Awaited<ReturnType<typeof serve>>;
  before(async () => { target = await serve("127.0.0.1"); });
  after(() => target.server.close());

  it("--send --json prints one object: the signed request and the response", async () => {
    const { code, stdout, stderr } = await runCli(["sign", "--event", "bot.done", "--id", "msg_one", "--send", target.url, "--json", "--secret", secret]);
    assert.equal(code, 0, stderr);
    const doc = JSON.parse(stdout) as Record<string, unknown> & { response: Record<string, unknown> };
    assert.deepEqual(Object.keys(doc), ["id", "timestamp", "signature", "headers", "body", "response"]);
    assert.equal(doc.id, "msg_one");
    assert.deepEqual(Object.keys(doc.response), ["url", "status", "ok", "latency_ms", "error", "body"]);
    assert.deepEqual({ ...doc.response, latency_ms: 0 }, { url: target.url, status: 204, ok: true, latency_ms: 0, error: null, body: "" });
  });

  it("--json with --format curl|http|headers is a usage error", async () => {
    for (const format of ["curl", "http", "headers"]) {
      const { code, stdout, stderr } = await runCli(["sign", "--event", "bot.done", "--json", "--format", format, "--secret", secret]);
      assert.equal(code, 2);
      assert.equal(stdout, "");
      assert.equal(stderr.trim(), "error: --json prints JSON; drop --format or --json.");
    }
  });

  it("an empty body is signed as Recall signs bodiless requests, without a warning (issue 8 defect 15)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "recall-hooks-sign-"));
    await writeFile(join(dir, "empty.json"), "");
    const { code, stdout, stderr } = await runCli(["sign", "empty.json", "--format", "json", "--secret", secret, "--id", "msg_get"], { cwd: dir });
    assert.equal(code, 0, stderr);
    assert.equal(stderr, "");
    const doc = JSON.parse(stdout) as { body: string; timestamp: number; headers: Record<string, string> };
    assert.equal(doc.body, "");
    // svix's reference signer agrees: the signature is over "msg_get.<timestamp>." alone. (svix's
    // Webhook.verify checks it too, then fails parsing "" as JSON, so it cannot be the judge here.)
    const { Webhook } = await import("svix");
    assert.equal(doc.headers["webhook-signature"], new Webhook(secret).sign("msg_get", new Date(doc.timestamp * 1000), ""));
  });
});

describe("createDispatcher: the proxy comes from the env passed in; deliver's own pool reads no env", () => {
  let proxy: Awaited<ReturnType<typeof serve>>;
  let loopback: Awaited<ReturnType<typeof serve>>;
  before(async () => {
    proxy = await serve("127.0.0.1", 200);
    loopback = await serve("127.0.0.2");
  });
  after(() => { proxy.server.close(); loopback.server.close(); });

  it("HTTP_PROXY is honoured for remote targets, never for loopback", async () => {
    proxy.seen.length = 0;
    const proxyUrl = new URL(proxy.url).origin;
    const dispatcher = await createDispatcher({ HTTP_PROXY: proxyUrl });
    try {
      const local = await deliver({ url: loopback.url.replace("127.0.0.2", "127.0.0.1"), headers: {}, body: "{}", dispatcher, timeoutMs: 2_000 });
      assert.equal(local.error, "refused", "127.0.0.1 goes direct (nothing listens there on that port)");
      await deliver({ url: "http://remote.example/hooks", headers: {}, body: "{}", dispatcher, timeoutMs: 2_000 });
      assert.deepEqual(proxy.seen.map((s) => s.replace(/^CONNECT /, "")).map((s) => s.includes("remote.example")), [true]);
    } finally {
      await dispatcher.close();
    }
  });

  it("without a proxy in env it is a plain pool, whatever process.env says", async () => {
    proxy.seen.length = 0;
    const saved = process.env.HTTP_PROXY;
    process.env.HTTP_PROXY = new URL(proxy.url).origin;
    try {
      const dispatcher = await createDispatcher({});
      try {
        assert.equal((await deliver({ url: loopback.url, headers: {}, body: "{}", dispatcher })).status, 204);
      } finally {
        await dispatcher.close();
      }
      assert.equal((await deliver({ url: loopback.url, headers: {}, body: "{}" })).status, 204, "deliver()'s own pool");
      assert.deepEqual(proxy.seen, []);
      assert.equal(loopback.seen.length, 2);
    } finally {
      if (saved === undefined) delete process.env.HTTP_PROXY;
      else process.env.HTTP_PROXY = saved;
    }
  });
});
