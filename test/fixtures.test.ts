import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { EVENTS, findEvent } from "../src/recall/catalog.js";
import { parseDelivery } from "../src/recall/parse.js";

// The compiled test lives in build-test/test/, two levels below the repository root.
const DIR = new URL("../../fixtures/events/", import.meta.url);
const BOT_ID = "0b85d2f9-d54a-47f6-b28d-4c63229f4035";
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const files = readdirSync(DIR).filter((f) => f.endsWith(".json")).sort();

test("there is exactly one fixture per catalog event", () => {
  assert.deepEqual(files, EVENTS.map((e) => `${e.name}.json`).sort());
});

test("every fixture parses with its event, code and bot id", () => {
  for (const file of files) {
    const raw = readFileSync(new URL(file, DIR));
    const name = file.slice(0, -".json".length);
    const info = findEvent(name);
    assert.ok(info, file);
    const p = parseDelivery(raw);
    assert.equal(p.kind, "json", file);
    assert.equal(p.event, name, file);
    assert.equal(p.shape, info.shape, file);
    if (info.shape === "status") {
      assert.equal(p.code, info.code, file);
      assert.match(p.updatedAt ?? "", /\.\d{6}Z$/, `${file} updated_at has microseconds`);
    }
    if (info.shape === "legacy_status") assert.equal(p.code, "fatal", file);
    const hasBot = info.resource !== "sdk_upload" && info.shape !== "calendar";
    assert.equal(p.botId, hasBot ? BOT_ID : null, file);
    for (const id of Object.values(p.resources)) assert.match(id, UUID_V4, file);
  }
});

test("fixtures are pretty-printed with two spaces and a final newline", () => {
  for (const file of files) {
    const text = readFileSync(new URL(file, DIR), "utf8");
    assert.equal(text, `${JSON.stringify(JSON.parse(text), null, 2)}\n`, file);
  }
});

test("known sub codes in fixtures have descriptions", () => {
  const fatal = parseDelivery(readFileSync(new URL("bot.fatal.json", DIR)));
  assert.equal(fatal.subCode, "meeting_not_found");
  assert.ok(fatal.subCodeDescription);
  const legacy = parseDelivery(readFileSync(new URL("bot.status_change.json", DIR)));
  assert.equal(legacy.message, "No meeting was found at the given link.");
  assert.equal(legacy.resources["recording"], "03d06804-0cb2-42f8-a255-5b950dde7c57");
});
