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

/** Python's json.dumps written plainly: JSON.stringify's leaves, spaced separators, then ensure_ascii over the whole text. */
function reference(value: unknown): string {
  const write = (v: unknown): string => {
    if (v !== null && typeof v === "object" && typeof (v as { toJSON?: unknown }).toJSON === "function") return write((v as { toJSON: () => unknown }).toJSON());
    if (Array.isArray(v)) return `[${v.map((x) => (x === undefined || typeof x === "function" ? "null" : write(x))).join(", ")}]`;
    if (v !== null && typeof v === "object") {
      const entries = Object.entries(v).filter(([, x]) => x !== undefined && typeof x !== "function" && typeof x !== "symbol");
      return `{${entries.map(([k, x]) => `${JSON.stringify(k)}: ${write(x)}`).join(", ")}}`;
    }
    return JSON.stringify(v) ?? "null";
  };
  return write(value).replace(/[^\x20-\x7e\n]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

test("spaced escapes each string on its own exactly as ensure_ascii over the whole text would", () => {
  const strings = ["", "plain", 'quote " and \\ backslash', "tab\tnew\nline\u0000\u001f\u007f", "Zoë Ødegaard 会议", "lone \ud800 and \udfff", "😀 astral", "\u2028\u2029", "ascii ~!@#$%^&*()"];
  for (const text of strings) {
    const value = { [text]: text, list: [text, undefined, () => 1, -0, 1e21, Number.NaN, true, null], when: new Date(1_733_000_000_123), nested: { [`k ${text}`]: [{ [text]: { toJSON: () => text } }] } };
    assert.equal(formatBody(value, "spaced"), reference(value), JSON.stringify(text));
    assert.equal(formatBody(text, "spaced"), reference(text));
  }
});
