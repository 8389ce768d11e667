import { readdir, readFile, stat } from "node:fs/promises";
import { extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { RecallHooksError } from "../errors.js";
import { type BodyFormat, DEFAULT_BODY_FORMAT, formatBody } from "../recall/body-format.js";
import { eventsMatching, findEvent } from "../recall/catalog.js";
import { type ReplayEntry, readReplayFile } from "./replay-read.js";

/** The bundled fixtures, found from this file so replay works from any folder once installed. */
export const FIXTURES_DIR = fileURLToPath(new URL("../../fixtures/events/", import.meta.url));

export interface InputOptions {
  readonly cwd: string;
  readonly fixturesDir?: string;
  /**
   * How a fixture named by event type is written (default spaced): a name means the event, built
   * from the fixture; a path means its bytes, sent as they are.
   */
  readonly bodyFormat?: BodyFormat;
  /** Reads standard input for "-". */
  readonly stdin?: () => Promise<Buffer>;
  /** Hears of each argument read as bundled fixtures (an event name or glob), with the events it named. */
  readonly onFixtures?: (arg: string, events: readonly string[]) => void;
  /** Hears of lines skipped as unreadable (a torn journal line, say), with the 1-based line numbers. */
  readonly onSkipped?: (source: string, lines: readonly number[]) => void;
}

/**
 * Every entry from the arguments, in order: a path (a file, or every .json/.jsonl file under a folder), "-"
 * for standard input, or an event type / glob naming bundled fixtures (bot.fatal, 'recording.*').
 */
export async function readInputs(args: readonly string[], options: InputOptions): Promise<ReplayEntry[]> {
  const out: ReplayEntry[] = [];
  for (const arg of args) {
    for (const source of await sourcesOf(arg, options)) {
      const file = readReplayFile(source.bytes, source.label);
      if (file.skipped.length > 0) options.onSkipped?.(source.label, file.skipped);
      out.push(...file.entries);
    }
  }
  return out;
}

interface Source {
  readonly label: string;
  readonly bytes: Buffer;
}

async function sourcesOf(arg: string, options: InputOptions): Promise<Source[]> {
  if (arg === "-") {
    if (!options.stdin) throw new RecallHooksError("E_STDIN_UNAVAILABLE", "Reading standard input (-) is not available here: pass a file.");
    return [{ label: "stdin", bytes: await options.stdin() }];
  }
  const path = resolve(options.cwd, arg);
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => (error.code === "ENOENT" ? null : unreadable(arg, error)));
  if (info?.isDirectory()) return folder(path, arg);
  if (info) return [{ label: arg, bytes: await readFile(path).catch((error: NodeJS.ErrnoException) => unreadable(arg, error)) }];
  const fixtures = fixtureNames(arg);
  if (fixtures.length === 0) {
    throw new RecallHooksError("E_INPUT_MISSING", `Cannot read ${arg}: no such file, and no event type of that name.`, { input: arg });
  }
  const dir = options.fixturesDir ?? FIXTURES_DIR;
  const found: Source[] = [];
  for (const name of fixtures) {
    const bytes = await readFile(join(dir, `${name}.json`)).catch(() => null);
    if (bytes) found.push({ label: name, bytes: reformat(bytes, options.bodyFormat ?? DEFAULT_BODY_FORMAT) });
  }
  if (found.length === 0) throw new RecallHooksError("E_FIXTURE_MISSING", `No bundled fixture for ${arg} in ${dir}: reinstall recall-hooks, or pass a file.`, { input: arg, folder: dir });
  options.onFixtures?.(arg, found.map((f) => f.label));
  return found;
}

/** A fixture's body in the format asked for; the files are pretty-printed for reading. */
function reformat(bytes: Buffer, format: BodyFormat): Buffer {
  try {
    return Buffer.from(formatBody(JSON.parse(bytes.toString("utf8")), format));
  } catch {
    return bytes; // not JSON: readReplayFile says so
  }
}

function fixtureNames(arg: string): string[] {
  if (arg.includes("*")) return eventsMatching(arg).map((e) => e.name);
  return findEvent(arg) ? [arg] : [];
}

async function folder(path: string, arg: string): Promise<Source[]> {
  const files = await filesUnder(path, arg);
  if (files.length === 0) throw new RecallHooksError("E_INPUT_EMPTY_FOLDER", `${arg} has no .json or .jsonl files (hidden folders and node_modules are skipped): point at a fixture, capture or journal.`, { input: arg });
  return Promise.all(files.map(async (file) => ({
    label: file.label,
    bytes: await readFile(file.path).catch((error: NodeJS.ErrnoException) => unreadable(file.label, error)),
  })));
}

/**
 * A folder's .json and .jsonl files, its subfolders included, in sorted order. Hidden folders and
 * node_modules hold tool state and dependencies, never deliveries someone meant to replay.
 */
async function filesUnder(path: string, label: string): Promise<{ path: string; label: string }[]> {
  const items = await readdir(path, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => unreadable(label, error));
  const out: { path: string; label: string }[] = [];
  for (const item of items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const child = { path: join(path, item.name), label: join(label, item.name) };
    if (item.isDirectory()) {
      if (!item.name.startsWith(".") && item.name !== "node_modules") out.push(...await filesUnder(child.path, child.label));
    } else if ([".json", ".jsonl"].includes(extname(item.name)) && (item.isFile() || item.isSymbolicLink())) {
      out.push(child);
    }
  }
  return out;
}

function unreadable(arg: string, error: NodeJS.ErrnoException): never {
  throw new RecallHooksError("E_INPUT_UNREADABLE", `Cannot read ${arg}: ${error.code ?? error.message}. Check the path and its permissions.`, { input: arg }, { cause: error });
}
