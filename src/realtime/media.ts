import { deflateSync } from "node:zlib";

// Raw media for the WebSocket stream, made here rather than downloaded: Recall's audio is base64
// PCM S16LE, 16 kHz mono; its video frames are PNGs at 2 fps (recall-webhooks.md §4).

export const SAMPLE_RATE = 16_000;
/** A tone's amplitude: loud enough to find, well below clipping when three people talk at once. */
const AMPLITUDE = 6_000;

/** A span of sound: seconds since the recording started, and the tone's frequency. */
export interface Voice {
  readonly from: number;
  readonly to: number;
  readonly hz: number;
}

/** The tone of the participant at this position in the script: 220 Hz, 330 Hz, 440 Hz... */
export function voiceHz(index: number): number {
  return 220 + 110 * index;
}

/**
 * `ms` of PCM S16LE starting `fromMs` after the recording started: the sum of the voices sounding
 * then, silence (exact zeros) otherwise. Samples are on one clock, so chunks join without clicks.
 */
export function pcmChunk(voices: readonly Voice[], fromMs: number, ms: number): Buffer {
  const first = Math.round((fromMs * SAMPLE_RATE) / 1000);
  const count = Math.round((ms * SAMPLE_RATE) / 1000);
  const out = Buffer.alloc(count * 2);
  const from = first / SAMPLE_RATE;
  const to = (first + count) / SAMPLE_RATE;
  const active = voices.filter((v) => v.from < to && v.to > from);
  if (active.length === 0) return out;
  for (let i = 0; i < count; i++) {
    const t = (first + i) / SAMPLE_RATE;
    let sample = 0;
    for (const v of active) if (t >= v.from && t < v.to) sample += AMPLITUDE * Math.sin(2 * Math.PI * v.hz * t);
    out.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(sample))), i * 2);
  }
  return out;
}

/** A distinct, readable colour per participant position. */
const COLOURS: readonly (readonly [number, number, number])[] = [
  [66, 133, 244], [219, 68, 55], [244, 180, 0], [15, 157, 88], [171, 71, 188], [0, 172, 193],
];

export function colourOf(index: number, screenshare: boolean): readonly [number, number, number] {
  const c = COLOURS[index % COLOURS.length]!;
  // A screenshare is the same colour, lighter, so the two streams of one person differ.
  return screenshare ? [c[0] + (255 - c[0]) / 2, c[1] + (255 - c[1]) / 2, c[2] + (255 - c[2]) / 2].map(Math.round) as [number, number, number] : c;
}

/** A valid PNG of one solid colour: 8-bit RGB, no interlace, rows unfiltered. */
export function solidPng(width: number, height: number, rgb: readonly [number, number, number]): Buffer {
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x++) row.set(rgb, 1 + x * 3);
  const raw = Buffer.alloc(row.length * height);
  for (let y = 0; y < height; y++) row.copy(raw, y * row.length);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "latin1");
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 as PNG (and zlib) computes it. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
