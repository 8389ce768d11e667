#!/usr/bin/env node
// Writes fixtures/events/<event>.json: one bare Recall body per catalog event, built by the compiled
// builders with fixed ids and times, so re-running it produces no diff. Run `npm run build` first.
import { createHash } from "node:crypto";
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";

const dist = new URL("../dist/recall/", import.meta.url);
const { buildEvent } = await import(new URL("build.js", dist).href);
const { EVENTS } = await import(new URL("catalog.js", dist).href);

const OUT = new URL("../fixtures/events/", import.meta.url);
const UPDATED_AT = new Date("2024-12-04T23:25:56.339Z");

// The ids of Recall's own documentation examples, so fixtures of one bot tell one story.
const BOT_ID = "0b85d2f9-d54a-47f6-b28d-4c63229f4035";
const RECORDING_ID = "03d06804-0cb2-42f8-a255-5b950dde7c57";
const RESOURCE_IDS = {
  transcript: "7d7387b1-874f-4950-a5b9-1ba6660e2f95",
  participant_events: "a7ae9238-0e2d-40f2-8480-8e9c0cf3af6c",
  sdk_upload: "fa08e580-d7b6-4f88-9f71-5b718c5a5f77",
  realtime_endpoint: "5d3c1f0e-8a7b-4c2d-9e6f-1a2b3c4d5e6f",
  calendar: "c4b7e1a2-3d5f-4e6a-8b9c-0d1e2f3a4b5c",
};

/** A UUIDv4-shaped id derived from the event name and a counter: stable across runs and machines. */
function seededUuids(seed) {
  let n = 0;
  return () => {
    const hex = createHash("sha256").update(`recall-hooks:${seed}:${n++}`).digest("hex").slice(0, 32).split("");
    hex[12] = "4";
    hex[16] = "89ab"[parseInt(hex[16], 16) % 4];
    const h = hex.join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  };
}

await mkdir(OUT, { recursive: true });
const wanted = new Set();
for (const { name } of EVENTS) {
  const body = buildEvent(name, {
    botId: BOT_ID,
    recordingId: RECORDING_ID,
    resourceIds: RESOURCE_IDS,
    updatedAt: UPDATED_AT,
    random: seededUuids(name),
  });
  const file = `${name}.json`;
  wanted.add(file);
  await writeFile(new URL(file, OUT), `${JSON.stringify(body, null, 2)}\n`);
}
// The directory is generated: drop files for events that left the catalog.
for (const file of await readdir(OUT)) {
  if (file.endsWith(".json") && !wanted.has(file)) await rm(new URL(file, OUT));
}
console.error(`wrote ${wanted.size} fixtures to fixtures/events/`);
