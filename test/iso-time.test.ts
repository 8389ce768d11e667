import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isoMs, isoString } from "../src/iso-time.js";

describe("isoString (toISOString without V8's date cache)", () => {
  it("gives toISOString's answer across years 0000-9999, at the edges and at random", () => {
    const edges = [
      0, -1, 1, 86_399_999, 86_400_000, -86_400_000, 951_782_400_000 /* 2000-02-29 */, 4_107_456_000_000 /* 2100-03-01 */,
      -62_167_219_200_000, -62_167_219_199_999, 253_402_300_799_999, 1_796_119_582_179, -2_208_988_800_001,
    ];
    let seed = 42;
    const random = (): number => {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      return seed / 2 ** 32;
    };
    const samples = [...edges, ...Array.from({ length: 50_000 }, () => Math.floor(-62_167_219_200_000 + random() * 315_569_520_000_000))];
    for (const ms of samples) assert.equal(isoString(new Date(ms)), new Date(ms).toISOString(), String(ms));
  });

  it("hands years outside 0000-9999 and invalid dates to toISOString", () => {
    for (const ms of [-62_167_219_200_001, 253_402_300_800_000, 8.64e15, -8.64e15]) assert.equal(isoString(new Date(ms)), new Date(ms).toISOString());
    assert.throws(() => isoString(new Date(Number.NaN)), RangeError);
  });
});

describe("isoMs (epoch milliseconds, the second's text kept between calls)", () => {
  it("gives toISOString's answer in order, out of order and within one second", () => {
    const start = 1_796_119_582_179;
    const samples = [
      ...Array.from({ length: 3_000 }, (_, i) => start + i * 7), // runs of calls within a second, then the next
      start, start + 999, start - 1, 0, 999, 1_000, 253_402_300_799_999, 951_782_400_000, start + 86_400_000,
    ];
    for (const ms of samples) assert.equal(isoMs(ms), new Date(ms).toISOString(), String(ms));
  });

  it("hands fractions, times before 1970, years from 10000 and NaN to Date", () => {
    for (const ms of [1_733_000_000_123.9, 0.5, -1, -62_167_219_200_000, 253_402_300_800_000]) assert.equal(isoMs(ms), new Date(ms).toISOString(), String(ms));
    assert.throws(() => isoMs(Number.NaN), RangeError);
  });
});
