import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ListenProcess } from "./helpers/listen.js";
import { rawExchange } from "./helpers/raw.js";

describe("listen keeps every header as sent", () => {
  it("repeated headers as lists, names in lower case, a header named __proto__ as data, a lone Set-Cookie as text", async () => {
    const listen = await ListenProcess.start(["--no-save"]);
    try {
      const port = Number(new URL(listen.ready.local_url).port);
      const body = '{"event":"bot.done"}';
      const request = [
        "POST /hooks HTTP/1.1", "Host: 127.0.0.1", "X-Trace: one", "x-trace: two", "__proto__: a", "__proto__: b", "X-Single: yes",
        "Content-Type: application/json", `Content-Length: ${body.length}`, "Connection: close", "", body,
      ].join("\r\n");
      assert.equal((await rawExchange(port, [request])).status, 204);
      const event = await listen.waitFor((r) => r.type === "event");
      const headers = event.headers as Record<string, unknown>;
      assert.deepEqual(headers["x-trace"], ["one", "two"]);
      assert.equal(headers["x-single"], "yes");
      assert.ok(Object.hasOwn(headers, "__proto__"));
      assert.deepEqual(Object.getOwnPropertyDescriptor(headers, "__proto__")!.value, ["a", "b"]);
      // No name twice: node's own header object is taken, so it must read as the raw headers do.
      const single = [
        "POST /hooks HTTP/1.1", "Host: 127.0.0.1", "Set-Cookie: one=1", "X-Mixed-Case: Value, with comma", "Content-Type: application/json",
        `Content-Length: ${body.length}`, "Connection: close", "", body,
      ].join("\r\n");
      assert.equal((await rawExchange(port, [single])).status, 204);
      const second = await listen.waitFor((r) => r.type === "event" && r.seq === 2);
      assert.deepEqual(second.headers, {
        host: "127.0.0.1", "set-cookie": "one=1", "x-mixed-case": "Value, with comma", "content-type": "application/json",
        "content-length": String(body.length), connection: "close",
      });
      // The listener is still up and answering.
      assert.equal((await rawExchange(port, [request])).status, 204);
    } finally {
      assert.equal(await listen.stop(), 130);
    }
  });
});
