import { test } from "node:test";
import assert from "node:assert/strict";
import { formatBody } from "../src/recall/body-format.js";

const VALUE = { event: "bot.done", data: { name: "Zoë 😀", list: [1, { a: null }], empty: {}, none: [] } };

test("spaced is Python's json.dumps: spaced separators, non-ASCII escaped, key order kept", () => {
  assert.equal(
    formatBody(VALUE, "spaced"),
    '{"event": "bot.done", "data": {"name": "Zo\\u00eb \\ud83d\\ude00", "list": [1, {"a": null}], "empty": {}, "none": []}}',
  );
});

test("spaced and pretty do not survive a parse/stringify round trip; compact does", () => {
  for (const format of ["spaced", "pretty"] as const) {
    const body = formatBody(VALUE, format);
    assert.deepEqual(JSON.parse(body), VALUE, format);
    assert.notEqual(JSON.stringify(JSON.parse(body)), body, format);
  }
  const compact = formatBody(VALUE, "compact");
  assert.equal(JSON.stringify(JSON.parse(compact)), compact);
});

test("spaced is the default, and pretty is indented by two", () => {
  assert.equal(formatBody(VALUE), formatBody(VALUE, "spaced"));
  assert.match(formatBody(VALUE, "pretty"), /^\{\n  "event": "bot.done",\n/);
});
