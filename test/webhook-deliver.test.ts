import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { after, before, describe, it } from "node:test";
import { Agent } from "undici";
import { deliver } from "../src/webhook/deliver.js";

// deliver() dispatches with a handler of its own (no undici.request): these hold it to what
// request() gave, on a real server on 127.0.0.1.
describe("deliver: answers, the capped body, timeouts, errors", () => {
  let url = "";
  const held: ServerResponse[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c)).on("end", () => {
      const path = req.url ?? "/";
      if (path.startsWith("/hang")) { held.push(res); return; }
      if (path.startsWith("/big")) { res.writeHead(500).end("x".repeat(5_000)); return; }
      if (path.startsWith("/echo")) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ method: req.method, path, type: req.headers["content-type"], id: req.headers["webhook-id"], body: Buffer.concat(chunks).toString("utf8") }));
        return;
      }
      res.writeHead(204).end();
    });
  });
  before(async () => {
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(() => {
    for (const res of held) res.destroy();
    server.close();
  });

  it("sends the method, path and query, headers and body as given, and reads the answer", async () => {
    const r = await deliver({ url: `${url}/echo?x=1`, headers: { "content-type": "application/json", "webhook-id": "msg_a" }, body: Buffer.from('{"a": 1}') });
    assert.equal(r.status, 200);
    assert.equal(r.ok, true);
    assert.equal(r.error, null);
    assert.deepEqual(JSON.parse(r.body), { method: "POST", path: "/echo?x=1", type: "application/json", id: "msg_a", body: '{"a": 1}' });
  });

  it("keeps only maxBodyBytes of a long answer, marked with an ellipsis", async () => {
    const r = await deliver({ url: `${url}/big`, headers: {}, body: "{}", maxBodyBytes: 100 });
    assert.equal(r.status, 500);
    assert.equal(r.ok, false);
    assert.equal(r.body, `${"x".repeat(100)}…`);
  });

  it("an answer that never comes is a timeout in our words, and so is the wait for a connection", async () => {
    const pool = new Agent({ connections: 1 });
    try {
      // One connection: the second request waits for it, and its own time runs out while it waits.
      const [first, second] = await Promise.all([
        deliver({ url: `${url}/hang/1`, headers: {}, body: "{}", timeoutMs: 300, dispatcher: pool }),
        deliver({ url: `${url}/hang/2`, headers: {}, body: "{}", timeoutMs: 100, dispatcher: pool }),
      ]);
      for (const [r, ms] of [[first, 300], [second, 100]] as const) {
        assert.equal(r.status, null);
        assert.equal(r.error, "timeout");
        assert.equal(r.errorMessage, `no answer within ${ms} ms`);
      }
    } finally {
      await pool.destroy();
    }
  });

  it("a refused connection, a URL that is not http(s) and a header that cannot be sent are errors, not throws", async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const refused = await deliver({ url: `http://127.0.0.1:${port}/`, headers: {}, body: "{}" });
    assert.deepEqual([refused.error, refused.errorMessage], ["refused", "connection refused"]);
    const ftp = await deliver({ url: "ftp://127.0.0.1/x", headers: {}, body: "{}" });
    assert.equal(ftp.status, null);
    assert.equal(ftp.error, "other");
    const badHeader = await deliver({ url: `${url}/ok`, headers: { "x-bad": "a\nb" }, body: "{}" });
    assert.deepEqual([badHeader.status, badHeader.error, badHeader.errorMessage], [null, "other", "a header of the request could not be sent as is"]);
  });
});
