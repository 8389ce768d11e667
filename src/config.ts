import { existsSync, readFileSync } from "node:fs";
import { resolve, sep } from "node:path";
import type { Command } from "commander";
import { closestName } from "./closest.js";
import { UsageError } from "./errors.js";

/** Read from the working folder when present: `{"secret": "...", "listen": {"forwardTo": ["..."], "port": 3001}}`. */
export const CONFIG_FILE = "recall-hooks.config.json";

export type Config = Readonly<Record<string, unknown>>;

/**
 * The config file, or null when there is none. Precedence, written once: flags beat the
 * environment, the environment beats this file, this file beats defaults (commander's "config"
 * value source gives exactly that order).
 */
export function loadConfig(cwd: string, explicit?: string): Config | null {
  // Without a --config, most runs have no file: existsSync says so without the ENOENT error that
  // readFileSync would build (with path.resolve's first call, about 0.1 ms of a short command's start).
  const path = explicit === undefined ? `${cwd.endsWith(sep) ? cwd : `${cwd}${sep}`}${CONFIG_FILE}` : resolve(cwd, explicit);
  if (explicit === undefined && !existsSync(path)) return null;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if (explicit === undefined && (error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new UsageError(`Cannot read the config file ${path} (${(error as NodeJS.ErrnoException).code}): fix the path given to --config.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path} is not valid JSON (${(error as Error).message}): fix it or remove it.`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new UsageError(`${path} must hold a JSON object such as {"secret": "whsec_...", "listen": {"port": 8787}}.`);
  }
  return value as Config;
}

/**
 * Gives a command its values from the config (its own section first, then top-level keys), for
 * every option that neither a flag nor the environment set. Runs after parsing, before the action.
 */
export function applyConfig(command: Command, config: Config, source: string): void {
  const own = ownSection(command, config);
  for (const option of command.options) {
    const key = option.attributeName();
    const from = command.getOptionValueSource(key);
    if (from === "cli" || from === "env") continue;
    const value = own[key] ?? (typeof config[key] !== "object" || Array.isArray(config[key]) ? config[key] : undefined);
    if (value === undefined) continue;
    command.setOptionValueWithSource(key, checked(option, value, `${source}: ${command.name()}.${key}`), "config");
  }
}

/** The command's own section: `simulate lifecycle` reads "lifecycle", then "simulate". */
function ownSection(command: Command, config: Config): Config {
  const parent = command.parent?.parent ? command.parent.name() : undefined;
  const section = config[command.name()] ?? (parent !== undefined ? config[parent] : undefined);
  return isSection(section) ? section : {};
}

function isSection(value: unknown): value is Config {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** What the config's keys are checked against. */
export interface ConfigNames {
  /** Every section a config may have: the command names (and "lifecycle"). */
  readonly sections: readonly string[];
  /** Every option of every command, as config keys (camelCase attribute names). */
  readonly options: readonly string[];
}

/**
 * One line per config key that matches no option, with the closest name: a typo in a config file
 * would otherwise be ignored without a word. Keys of the command's own section are checked against
 * its options; top-level keys against every section and every command's options.
 */
export function strayConfigKeys(command: Command, config: Config, source: string, names: ConfigNames): string[] {
  const lines: string[] = [];
  const mine = command.options.map((o) => o.attributeName());
  const parent = command.parent?.parent ? command.parent.name() : undefined;
  const sectionName = Object.hasOwn(config, command.name()) ? command.name() : parent;
  for (const key of Object.keys(ownSection(command, config))) {
    if (!mine.includes(key)) lines.push(stray(source, `${sectionName}.${key}`, `of ${command.name()}`, closestName(key, mine)));
  }
  for (const [key, value] of Object.entries(config)) {
    if (names.sections.includes(key) || names.options.includes(key)) continue;
    const candidates = isSection(value) ? names.sections : names.options;
    lines.push(stray(source, key, "of any command", closestName(key, candidates)));
  }
  return lines;
}

function stray(source: string, key: string, scope: string, closest: string | null): string {
  return `${source}: "${key}" matches no option ${scope}${closest === null ? "" : `: did you mean "${closest}"?`} It is ignored.`;
}

function checked(option: Command["options"][number], value: unknown, where: string): unknown {
  const values = Array.isArray(value) ? value : [value];
  if (!values.every((v) => ["string", "number", "boolean"].includes(typeof v))) {
    throw new UsageError(`${where} must be a string, number, boolean or a list of them.`);
  }
  if (typeof value === "boolean" || !option.parseArg || Array.isArray(value)) {
    if (option.argChoices && !values.every((v) => option.argChoices!.includes(String(v)))) {
      throw new UsageError(`${where} must be one of ${option.argChoices.join(", ")}.`);
    }
    return value;
  }
  try {
    return option.parseArg(String(value), undefined);
  } catch (error) {
    throw new UsageError(`${where}: ${(error as Error).message}`);
  }
}
