#!/usr/bin/env node
// @ts-check
/**
 * The launcher: loads the bundled command-line program (dist/bundle/cli.cjs, or
 * dist/bundle/short.cjs for the short commands; built by scripts/build-cli.mjs) with its compiled
 * code cached between runs, because compiling the bundle is a large share of a start (npm run
 * bench, start-up figures).
 *
 * - Node 22.1 and later: Node's own module compile cache (`module.enableCompileCache`).
 * - Node 20: the same idea by hand: V8's code cache for the bundle, kept in a folder of the
 *   user's temporary directory that only they can write, checked by V8 against the source.
 * - `--debug`, or NODE_DISABLE_COMPILE_CACHE set: a plain `require`, with source maps on for
 *   `--debug`, so a stack names the TypeScript files and lines.
 *
 * Written here, in the bin itself, rather than required from dist: a second module to resolve,
 * read and compile cost every start about 0.6 ms. CommonJS on purpose, and named .cjs so that Node
 * need not look for a package.json to learn it: on Node 20 an ES module entry alone costs about 5 ms
 * more than `node -e 0`. Plain JavaScript, type-checked by `npm run typecheck` (tsconfig.test.json).
 */
const fs = require("node:fs");
const path = require("node:path");

/**
 * The commands that run for a long time; src/cli.ts has the same list (test/launch-cache.test.ts keeps
 * them equal). A command line that names none of them runs dist/bundle/short.cjs, the program
 * without their code (scripts/build-cli.mjs): a third of the code to read and compile at each
 * start of sign, verify, events, secret and help.
 */
const LONG_COMMANDS = ["listen", "simulate", "replay", "emulate", "inspect", "check"];

// Paths by concatenation, here and below: the first call of path.join (compiled on first use) and of a
// regular expression cost a start about 0.1 ms each. __dirname is absolute and normalised already.
const SEP = path.sep;
const ROOT = __dirname.slice(0, __dirname.lastIndexOf(SEP));
const BUNDLE_DIR = `${ROOT}${SEP}dist${SEP}bundle`;
const ARGS = process.argv.slice(2);
const BUNDLE_NAME = ARGS.some((arg) => LONG_COMMANDS.includes(arg)) ? "cli" : "short";
const BUNDLE = `${BUNDLE_DIR}${SEP}${BUNDLE_NAME}.cjs`;

function launch() {
  // Asked by scripts and health checks: answered before the bundle is even read, as src/cli.ts does.
  if (ARGS.length === 1 && (ARGS[0] === "--version" || ARGS[0] === "-V" || ARGS[0] === "-v")) {
    const pkg = /** @type {{ version: string }} */ (JSON.parse(fs.readFileSync(`${ROOT}${SEP}package.json`, "utf8")));
    // fs.writeSync: making process.stdout for a pipe loads node:net (src/output/stdio.ts).
    try {
      fs.writeSync(1, `${pkg.version}\n`);
    } catch (error) {
      if (/** @type {NodeJS.ErrnoException} */ (error).code !== "EPIPE") process.stdout.write(`${pkg.version}\n`);
    }
    return;
  }
  if (ARGS.includes("--debug")) {
    process.setSourceMapsEnabled(true);
    require(BUNDLE);
    return;
  }
  if (process.env["NODE_DISABLE_COMPILE_CACHE"] !== undefined) {
    require(BUNDLE);
    return;
  }
  // node:module is asked only where it may have the cache: loading it costs Node 20 about 2 ms.
  const nodeModule = /** @type {{ enableCompileCache?: (dir?: string) => unknown }} */ (major >= 22 ? require("node:module") : {});
  if (typeof nodeModule.enableCompileCache === "function") {
    nodeModule.enableCompileCache();
    require(BUNDLE);
    return;
  }
  if (!runCached(ARGS)) require(BUNDLE);
}

const major = Number(process.versions.node.split(".")[0]);

/**
 * Node 20: compiles the bundle with V8's code cache. False when that cannot be done here.
 * @param {readonly string[]} args
 * @returns {boolean}
 */
function runCached(args) {
  const vm = require("node:vm");
  const dir = cacheDir();
  if (dir === null) return false;
  /** @type {string} */
  let source;
  /** @type {string} */
  let cacheFile;
  try {
    const stat = fs.statSync(BUNDLE);
    // esbuild writes ASCII (its default charset), so latin1 reads it without UTF-8 decoding.
    source = fs.readFileSync(BUNDLE, "latin1");
    const build = `${BUNDLE_NAME}-${stat.size}-${Math.trunc(stat.mtimeMs)}`;
    cacheFile = `${dir}/${process.version}-${process.arch}${flagsKey()}-${build}${commandKey(args)}.v8cache`;
  } catch {
    return false;
  }
  /** @type {Buffer | undefined} */
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  // Node's CommonJS wrapper, and one more parameter: code that vm.Script compiles has no import()
  // of its own (Node 20 gives one only as an experimental option, and code from V8's cache loses
  // it), so the bundle's late imports come here (scripts/build-cli.mjs).
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname, __rhImport) { ${source}\n});`, {
    filename: BUNDLE,
    ...(cachedData !== undefined && { cachedData }),
  });
  if (cachedData === undefined || script.cachedDataRejected === true) {
    // After the run, so the cache holds the functions the run compiled too.
    // Not after a usage error (exit 2): a mistyped command would leave a file behind for nothing.
    process.once("exit", (code) => {
      if (code !== 2) writeCache(script, cacheFile);
    });
  }
  const bundleModule = { exports: {} };
  const wrapper = /** @type {(...args: unknown[]) => void} */ (script.runInThisContext());
  /** @param {string} specifier */
  const importPackage = (specifier) => import(specifier);
  wrapper.call(bundleModule.exports, bundleModule.exports, require, bundleModule, BUNDLE, BUNDLE_DIR, importPackage);
  return true;
}

/**
 * V8 rejects code data made under other flags (--cpu-prof, NODE_OPTIONS=--max-old-space-size...): one
 * file per set of flags, so that runs with and without them do not rewrite each other's.
 * @returns {string}
 */
function flagsKey() {
  const flags = `${process.execArgv.join(" ")} ${process.env["NODE_OPTIONS"] ?? ""}`.trim();
  if (flags === "") return "";
  let hash = 0x811c9dc5;
  for (let i = 0; i < flags.length; i += 1) hash = Math.imul(hash ^ flags.charCodeAt(i), 0x01000193) >>> 0;
  return `-${hash.toString(16)}`;
}

/**
 * One cache per command: the data holds the functions the run that wrote it compiled, so `--help`
 * (every command's declaration) gains nothing from a cache that `sign` wrote (measured: 1.53x
 * against 1.44x `node -e 0`). `--help` and `-h` have their own; other runs that start with an option
 * share one.
 * @param {readonly string[]} args
 * @returns {string}
 */
function commandKey(args) {
  const first = args[0] ?? "";
  if (first === "--help" || first === "-h") return "-h";
  if (first.length === 0 || first.length > 20 || !isLower(first.charCodeAt(0))) return "";
  for (let i = 1; i < first.length; i += 1) if (!isLower(first.charCodeAt(i)) && first[i] !== "-") return "";
  return `-${first}`;
}

/** @param {number} code */
const isLower = (code) => code >= 0x61 && code <= 0x7a;

/**
 * A cache folder only this user can write, or null (then no cache: a cache is code that will run).
 * @returns {string | null}
 */
function cacheDir() {
  const uid = typeof process.getuid === "function" ? process.getuid() : null;
  if (uid === null) return null;
  // os.tmpdir() on POSIX (where getuid exists), without loading node:os.
  const env = process.env;
  let tmp = env["TMPDIR"] || env["TMP"] || env["TEMP"] || "/tmp";
  while (tmp.length > 1 && tmp.endsWith("/")) tmp = tmp.slice(0, -1);
  // POSIX only (process.getuid exists): "/" is the separator.
  const dir = `${tmp === "/" ? "" : tmp}/recall-hooks-compile-cache-${uid}`;
  try {
    let stat = fs.statSync(dir, { throwIfNoEntry: false });
    if (stat === undefined) {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      stat = fs.statSync(dir);
    }
    return stat.isDirectory() && stat.uid === uid && (stat.mode & 0o022) === 0 ? dir : null;
  } catch {
    return null;
  }
}

/**
 * @param {import("node:vm").Script} script
 * @param {string} file
 */
function writeCache(script, file) {
  try {
    const temp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, script.createCachedData());
    fs.renameSync(temp, file);
  } catch {
    // A cache that cannot be written costs the next start some time, nothing else.
  }
}

launch();
