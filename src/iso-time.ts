/**
 * `date.toISOString()`, by arithmetic. V8 builds its date cache, time zone data included, on the
 * first call of any Date method that breaks a time down, toISOString too: about 0.3 ms of a short
 * command's start here, 1.5 ms with TZ set (npm run bench, start-up). `sign --event` formats its
 * timestamps with this and touches no such method. test/iso-time.test.ts holds it to toISOString.
 */
export function isoString(date: Date): string {
  const ms = date.getTime();
  // Years 0000-9999 only (toISOString writes others as +/-YYYYYY); NaN falls through and throws there.
  if (!(ms >= MIN_MS && ms < MAX_MS)) return date.toISOString();
  const days = Math.floor(ms / DAY_MS);
  const inDay = ms - days * DAY_MS;
  // Howard Hinnant's civil_from_days: days since 1970-01-01 to a proleptic Gregorian date.
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shifted = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shifted + 2) / 5) + 1;
  const month = shifted < 10 ? shifted + 3 : shifted - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(Math.floor(inDay / 3_600_000), 2)}:${pad(Math.floor(inDay / 60_000) % 60, 2)}:${pad(Math.floor(inDay / 1000) % 60, 2)}.${pad(inDay % 1000, 3)}Z`;
}

const DAY_MS = 86_400_000;
/** 0000-01-01T00:00:00.000Z and 10000-01-01T00:00:00.000Z. */
const MIN_MS = -62_167_219_200_000;
const MAX_MS = 253_402_300_800_000;

function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}

/** The second of the last call to isoMs: its text up to the milliseconds, "YYYY-MM-DDTHH:MM:SS.". */
let lastSecond = Number.NaN;
let lastPrefix = "";

/**
 * `new Date(ms).toISOString()` for epoch milliseconds. The text up to the second is kept from the
 * previous call: simulate and replay print a time with every request, a few thousand per second.
 */
export function isoMs(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0 || ms >= MAX_MS) return isoString(new Date(ms));
  const rest = ms % 1000;
  const second = ms - rest;
  if (second !== lastSecond) {
    lastPrefix = isoString(new Date(second)).slice(0, 20);
    lastSecond = second;
  }
  return `${lastPrefix}${rest < 10 ? "00" : rest < 100 ? "0" : ""}${rest}Z`;
}
