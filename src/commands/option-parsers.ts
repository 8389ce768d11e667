import { InvalidArgumentError } from "commander";

// The parsers that command declarations use, apart from options.ts: that one reaches node:crypto
// (through the secret parser), which `--help` would then load for nothing (npm run bench, start-up).

/** A commander argParser for a whole number in [min, max]. */
export function integer(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : " up"}.`);
    }
    return n;
  };
}

/** A commander argParser for a number in [min, max]. */
export function decimal(min: number, max = Number.POSITIVE_INFINITY): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a number from ${min}${Number.isFinite(max) ? ` to ${max}` : " up"}.`);
    }
    return n;
  };
}

/** The --speed factor: 0 (as fast as possible), or from 0.001 (a thousand times slower than real). */
export function speedFactor(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || (n !== 0 && (n < 0.001 || n > 1_000_000))) {
    throw new InvalidArgumentError("expected 0 (as fast as possible) or a factor from 0.001 to 1000000 (1 is real time).");
  }
  return n;
}
