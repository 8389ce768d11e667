// `npm run build`, second step: the command-line program as one CommonJS bundle (esbuild), loaded
// by bin/recall-hooks.cjs (which caches its compiled code). One file to
// read and compile instead of some forty modules to resolve and link. Each command's work keeps
// its own lazy import: esbuild wraps it so that it is parsed with the bundle but runs only when its
// command runs. The library entry (dist/index.js and its types) stays tsc's output.
//
// CommonJS, not ES modules: measured on Node 20 (README, Performance), an empty ES module entry
// alone takes about 1.2x `node -e 0`, and the ES bundle with split chunks `sign` 2.6x, against
// 1.6x for this bundle with its code cache.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

/**
 * commander requires node:child_process at load time for executable subcommands, which
 * recall-hooks has none of; loading it (with net, dgram and streams) costs a few ms on every start.
 * Here it is required only if commander ever spawns.
 */
const lazyChildProcess = {
  name: "lazy-child-process",
  setup(b) {
    b.onLoad({ filter: /commander[\\/]lib[\\/]command\.js$/ }, ({ path }) => {
      const source = readFileSync(path, "utf8");
      const eager = "const childProcess = require('node:child_process');";
      if (!source.includes(eager)) throw new Error(`${path}: commander changed; update scripts/build-cli.mjs`);
      const lazy = "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };";
      return { contents: source.replace(eager, lazy), loader: "js" };
    });
  },
};

const OUT = "dist/bundle/cli.cjs";
const SHORT = "dist/bundle/short.cjs";
const EXTERNAL = Object.keys(pkg.dependencies).filter((name) => name !== "commander");

/**
 * The modules only the long-running commands run (bin/recall-hooks.cjs LONG_COMMANDS), imported from
 * src/commands and src/cli.ts. The short bundle has a stub in their place: bin/recall-hooks.cjs gives it
 * only a command line that names none of those commands, so a stub never runs (the test suite runs
 * every command through the launcher).
 */
const LONG_ONLY = /^\.\.?\/(?:(?:commands\/)?(?:listen-run|replay-run|simulate-run|emulate-run|emulate-ctl|inspect-run|check-run)|respawn|recall\/scenarios)\.js$/;

/**
 * The short bundle: a stub for each LONG_ONLY module, and its hashing and random bytes from
 * src/webhook/crypto-lite.ts instead of node:crypto (src/webhook/crypto.ts says why).
 */
const shortOnly = {
  name: "short-only",
  setup(b) {
    const lite = fileURLToPath(new URL("../src/webhook/crypto-lite.ts", import.meta.url));
    b.onResolve({ filter: /^(?:\.|\.\.\/webhook)\/crypto\.js$/ }, ({ path, resolveDir }) => join(resolveDir, path) === join(dirname(lite), "crypto.js") ? { path: lite } : undefined);
    b.onResolve({ filter: LONG_ONLY }, ({ path, importer }) => /[\\/]src[\\/](?:commands[\\/])?[^\\/]+\.ts$/.test(importer) ? { path, namespace: "long-only" } : undefined);
    b.onLoad({ filter: /.*/, namespace: "long-only" }, ({ path }) => ({
      contents: `throw new Error(${JSON.stringify(`${path} is not in ${SHORT}: bin/recall-hooks.cjs gave it a long-running command`)});`,
      loader: "js",
    }));
  },
};

/**
 * Every command's line in the program's help, from tsc's output of src/program.ts (the build's first
 * step): the bundle prints `--help` from these instead of declaring every command (src/program.ts).
 */
async function commandLines() {
  const { buildProgram, commandLines: linesOf } = await import("../dist/program.js");
  const quiet = { write: () => true, isTTY: false };
  const ctx = { stdout: quiet, stderr: quiet, stdin: null, env: {}, cwd: process.cwd(), now: Date.now, interruption: () => new Promise(() => {}), exitCode: 0 };
  return linesOf(await buildProgram(ctx, pkg.version, []));
}
const COMMAND_LINES = await commandLines();

// From scratch: a file left by an earlier build would ship with the package.
rmSync("dist/bundle", { recursive: true, force: true });

// Every command (cli.cjs), and the short commands alone (short.cjs: sign, verify, events, secret,
// help), which then read and compile about a third of the code at each start (npm run bench).
await bundle(OUT, [lazyChildProcess]);
await bundle(SHORT, [lazyChildProcess, shortOnly]);

// The bundles carry packages' code (commander; fast-sha256 in short.cjs): their licences go beside them.
const BUNDLED = ["commander", "fast-sha256"];
writeFileSync("dist/bundle/THIRD-PARTY-LICENSES.txt", BUNDLED.map((name) => {
  const { version, license } = JSON.parse(readFileSync(`node_modules/${name}/package.json`, "utf8"));
  return `${name} ${version} (${license})\n\n${readFileSync(`node_modules/${name}/LICENSE`, "utf8").trim()}\n`;
}).join("\n----------------------------------------\n\n"));

async function bundle(outfile, plugins) {
  await build({
    entryPoints: ["src/cli.ts"],
    // Two levels below the package root, like tsc's dist/deliveries/*.js: the paths built from
    // import.meta.url (the bundled fixtures) resolve the same from either build.
    outfile,
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    // Map files beside the bundle; `--debug` turns source maps on (bin/recall-hooks.cjs), so that stacks
    // name the TypeScript source. Always on, they would cost start-up time.
    sourcemap: true,
    // ASCII (esbuild's default, said here because bin/recall-hooks.cjs reads the bundle as latin1).
    charset: "ascii",
    // Less to read and hash at each start (measured: about 2 ms of CPU for sign). Identifiers keep
    // their names: error classes take theirs from new.target.name, and --debug stacks show them.
    minifyWhitespace: true,
    minifySyntax: true,
    // Bundled: our code and commander (needed at every start). Left in node_modules: the rest, which
    // only the commands that use them load (chalk and ora are ES-only: import() stays import()).
    external: EXTERNAL,
    define: { RECALL_HOOKS_VERSION: JSON.stringify(pkg.version), RECALL_HOOKS_COMMAND_LINES: JSON.stringify(JSON.stringify(COMMAND_LINES)), "import.meta.url": "__bundle.url" },
    banner: {
      js: [
        // Made when first read (the modules that use it: the fixtures' and the inspector page's folders):
        // node:url's pathToFileURL at every start was about 0.4 ms of `sign`.
        'const __bundle = { get url() { return require("node:url").pathToFileURL(__filename).href; } };',
        // See routeDynamicImports: bin/recall-hooks.cjs passes __rhImport when it runs the bundle from V8's code cache.
        'const __impt = typeof __rhImport === "function" ? __rhImport : (specifier) => import(specifier);',
      ].join("\n"),
    },
    plugins,
    logLevel: "warning",
  });
  routeDynamicImports(outfile);
}

/**
 * On Node 20, bin/recall-hooks.cjs compiles the bundle with V8's code cache (vm.Script), and such code
 * cannot run import(): "A dynamic import callback was not specified". So each import()
 * of a package (chalk, ora, undici, svix, ngrok) or of a builtin loaded late goes through __impt, which is import() itself
 * when Node loaded the bundle, and the launcher's import() when the launcher did. The name has
 * import's length, so the source map's columns still hold.
 */
function routeDynamicImports(file) {
  const source = readFileSync(file, "utf8");
  const seen = new Set();
  const routed = source.replace(/\bimport\(("[^"]+")\)/g, (_match, specifier) => {
    const name = JSON.parse(specifier);
    const known = name.startsWith("node:") || EXTERNAL.some((pkgName) => name === pkgName || name.startsWith(`${pkgName}/`));
    if (!known) throw new Error(`${file}: unexpected import(${specifier})`);
    seen.add(name);
    return `__impt(${specifier})`;
  });
  const left = routed.split("\n").filter((line) => /\bimport\(/.test(line) && !line.includes("(specifier) => import(specifier)"));
  if (left.length > 0) throw new Error(`${file}: import() left unrouted:\n${left.join("\n")}`);
  writeFileSync(file, routed);
}
