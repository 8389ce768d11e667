import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, it } from "node:test";
import { Webhook } from "svix";
import { CaptureServer } from "./helpers/capture-server.js";
import { BIN, ROOT, runCli } from "./helpers/cli.js";
import { generateSecret } from "../src/webhook/secret.js";
import { Signer } from "../src/webhook/sign.js";

const KNOWN_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

describe("recall-hooks (foundation, the built binary)", () => {
  it("--help lists the commands", async () => {
    const { code, stdout } = await runCli(["--help"]);
    assert.equal(code, 0);
    for (const command of ["sign", "verify", "events", "secret"]) assert.match(stdout, new RegExp(`\\n  ${command}\\b`));
  });

  it("--help alone, printed from the command lines the build read off the declarations, is the help they give", async () => {
    // dist/cli.js (tsc's output) declares every command for --help; the bundle prints their lines (src/program.ts).
    const { spawnSync } = await import("node:child_process");
    const declared = spawnSync(process.execPath, [join(ROOT, "dist", "cli.js"), "--help"], { env: { ...process.env, NO_COLOR: "1" }, encoding: "utf8" });
    assert.equal(declared.status, 0, declared.stderr);
    assert.match(declared.stdout, /\n {2}check \[options\] {2,}audit a webhook handler/);
    for (const flag of ["--help", "-h"]) {
      const { code, stdout, stderr } = await runCli([flag]);
      assert.deepEqual([code, stdout, stderr], [0, declared.stdout, ""], flag);
    }
  });

  it("--version prints the package version", async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as { version: string };
    const { code, stdout } = await runCli(["--version"]);
    assert.deepEqual([code, stdout.trim()], [0, pkg.version]);
    // -v as well as -V (issue 8 defect 14): people type either, and neither means anything else here.
    for (const flag of ["-V", "-v"]) {
      const short = await runCli([flag]);
      assert.deepEqual([short.code, short.stdout, short.stderr], [0, `${pkg.version}\n`, ""], flag);
    }
    const withDebug = await runCli(["--debug", "-v"]);
    assert.deepEqual([withDebug.code, withDebug.stdout], [0, `${pkg.version}\n`]);
  });

  it("sign --format json reproduces the Standard Webhooks known answer", async () => {
    const { code, stdout } = await runCli(
      ["sign", "-", "--format", "json", "--id", "msg_p5jXN8AQM9LWM0D4loKWxJek", "--timestamp", "1614265330"],
      { input: '{"test": 2432232314}', env: { RECALL_WEBHOOK_SECRET: KNOWN_SECRET } },
    );
    assert.equal(code, 0);
    const out = JSON.parse(stdout) as { signature: string; body: string; headers: Record<string, string> };
    assert.equal(out.signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    assert.equal(out.body, '{"test": 2432232314}');
    assert.equal(out.headers["webhook-signature"], out.signature);
  });

  for (const family of ["webhook", "svix"]) {
    it(`sign --event output verifies in svix (${family}-*)`, async () => {
      const secret = generateSecret();
      const { code, stdout } = await runCli(["sign", "--event", "bot.fatal", "--sub-code", "meeting_not_found", "--headers", family, "--json", "--secret", secret]);
      assert.equal(code, 0);
      const out = JSON.parse(stdout) as { body: string; headers: Record<string, string> };
      const payload = new Webhook(secret).verify(out.body, out.headers) as { event: string; data: { data: { sub_code: string } } };
      assert.equal(payload.event, "bot.fatal");
      assert.equal(payload.data.data.sub_code, "meeting_not_found");
    });
  }

  it("sign --send posts the signed request and reports the answer; exit 1 on non-2xx", async () => {
    const secret = generateSecret();
    let status = 204;
    const server = await CaptureServer.start({ secret }, () => (status === 204 ? 204 : { status, body: "handler exploded" }));
    const seen = server.requests;
    const url = server.url;
    try {
      const ok = await runCli(["sign", "--event", "bot.done", "--send", url, "--secret", secret]);
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(ok.stdout, /<-- 204 POST/);
      assert.equal(seen[0]!.verified, true);
      status = 500;
      const bad = await runCli(["sign", "--event", "bot.done", "--send", url, "--secret", secret]);
      assert.equal(bad.code, 1);
      assert.match(bad.stdout, /500/);
      assert.match(bad.stdout, /handler exploded/);
      assert.match(bad.stdout, /hint:/);
    } finally {
      await server.close();
    }
  });

  it("verify: a distinct reason and exit code for each case", async () => {
    const secret = generateSecret();
    const signer = new Signer(secret);
    const now = Math.floor(Date.now() / 1000);
    const body = '{"event":"bot.done","data":{"data":{"code":"done","sub_code":null},"bot":{"id":"b","metadata":{}}}}';
    const capture = (headers: Record<string, string>, text = body): string => JSON.stringify({ headers, body: text });
    const cases: [string, string, string, number][] = [
      ["valid", capture(signer.sign("msg_1", now, body).headers), secret, 0],
      ["valid svix", capture(signer.sign("msg_1", now, body, "svix").headers), secret, 0],
      ["missing_headers", capture({}), secret, 1],
      ["no_matching_signature", capture(new Signer(generateSecret()).sign("msg_1", now, body).headers), secret, 1],
      ["timestamp_too_old", capture(signer.sign("msg_1", now - 3600, body).headers), secret, 1],
      ["timestamp_too_new", capture(signer.sign("msg_1", now + 3600, body).headers), secret, 1],
      ["body_changed", capture(signer.sign("msg_1", now, body).headers, JSON.stringify(JSON.parse(body), null, 2)), secret, 1],
      ["bad_secret", capture(signer.sign("msg_1", now, body).headers), "whsec_%%%", 2],
    ];
    for (const [reason, input, key, exit] of cases) {
      const result = await runCli(["verify", "-", "--json", "--secret", key], { input });
      assert.equal(result.code, exit, `${reason}: ${result.stderr}`);
      if (exit !== 2) assert.equal((JSON.parse(result.stdout) as { reason: string }).reason, reason.replace(" svix", ""));
      else assert.match(result.stderr, /^error: .*secret.*\n$/);
    }
  });

  it("verify reads mixed-case --header flags with a raw body", async () => {
    const secret = generateSecret();
    const signed = new Signer(secret).sign("msg_2", Math.floor(Date.now() / 1000), '{"a":1}', "svix");
    const args = ["verify", "-", "--secret", secret];
    for (const [name, value] of Object.entries(signed.headers)) args.push("--header", `${name.toUpperCase()}: ${value}`);
    const result = await runCli(args, { input: '{"a":1}' });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /valid svix-\*/);
  });

  it("usage errors exit 2 with one line that says the fix", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rh-"));
    const cases = [
      ["sign", "--event", "bot.done"],
      ["sign", "--event", "bot.nope", "--secret", generateSecret()],
      ["verify", join(dir, "missing.json"), "--secret", generateSecret()],
      ["sign", "--bogus"],
    ];
    for (const args of cases) {
      const result = await runCli(args);
      assert.equal(result.code, 2, args.join(" "));
      assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
      assert.match(result.stderr, /^error:/);
    }
  });

  it("events --json holds the catalog; events bot.fatal lists sub codes", async () => {
    const all = await runCli(["events", "--json"]);
    const catalog = JSON.parse(all.stdout) as { events: { name: string }[]; sub_codes: { sub_code: string }[] };
    assert.ok(catalog.events.some((e) => e.name === "bot.status_change"));
    assert.ok(catalog.sub_codes.some((s) => s.sub_code === "zoom_local_recording_request_denied_by_host"));
    // Every key of every record is snake_case, as in every other --json document.
    const keys = (value: unknown): string[] => (value === null || typeof value !== "object" ? []
      : Array.isArray(value) ? value.flatMap(keys) : Object.entries(value).flatMap(([k, v]) => [k, ...keys(v)]));
    for (const args of [["events", "--json"], ["events", "bot.fatal", "--json"], ["events", "fatal", "--json"], ["events", "bot.*", "--json"], ["simulate", "lifecycle", "--list", "--json"]]) {
      const camel = keys(JSON.parse((await runCli(args)).stdout)).filter((k) => /[A-Z]/.test(k));
      assert.deepEqual(camel, [], args.join(" "));
    }
    const fatal = await runCli(["events", "bot.fatal"]);
    assert.equal(fatal.code, 0);
    assert.match(fatal.stdout, /meeting_not_found/);
    assert.match(fatal.stdout, /google_meet_bot_blocked/);
    assert.doesNotMatch(fatal.stdout, /call_ended_by_host/);
  });

  it("secret prints a new whsec_ secret", async () => {
    const { code, stdout } = await runCli(["secret"]);
    assert.equal(code, 0);
    assert.match(stdout.trim(), /^whsec_[A-Za-z0-9+/]{43}=$/);
  });

  it("--help and sign do not load undici, ora or @ngrok/ngrok; sign --send does load undici", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rh-hooks-"));
    const log = join(dir, "resolved.log");
    const hooks = join(dir, "hooks.mjs");
    await writeFile(hooks, `import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) { const r = await next(specifier, context); appendFileSync(${JSON.stringify(log)}, r.url + "\\n"); return r; }`);
    const register = join(dir, "register.mjs");
    await writeFile(register, `import { register } from "node:module"; register(${JSON.stringify(pathToFileURL(hooks).href)});`);
    // The bin loads a CommonJS bundle: what it require()s shows in require.cache, what it import()s in the hook.
    const preload = join(dir, "preload.cjs");
    await writeFile(preload, `process.on("exit", () => require("node:fs").appendFileSync(${JSON.stringify(log)}, Object.keys(require.cache).join("\\n") + "\\n"));`);
    const { spawnSync } = await import("node:child_process");
    const loaded = (args: string[]): string => {
      const child = spawnSync(process.execPath, ["--require", preload, "--import", register, BIN, ...args], { env: { ...process.env, NO_COLOR: "1" }, encoding: "utf8" });
      assert.equal(child.status, args.includes("--send") ? 1 : 0, child.stderr);
      return readFileSync(log, "utf8");
    };
    const heavy = /node_modules\/(undici|ora|@ngrok)\//;
    await writeFile(log, "");
    assert.doesNotMatch(loaded(["--help"]), heavy);
    await writeFile(log, "");
    const signLog = loaded(["sign", "--event", "bot.done", "--secret", KNOWN_SECRET]);
    assert.match(signLog, /file:.*\/bin\/recall-hooks\.cjs/, "the resolve hook saw the bin");
    assert.match(signLog, /^\/.*\/bin\/recall-hooks\.cjs$/m, "require.cache was written");
    assert.doesNotMatch(signLog, heavy);
    await writeFile(log, "");
    assert.match(loaded(["sign", "--event", "bot.done", "--secret", KNOWN_SECRET, "--send", "http://127.0.0.1:9/"]), /node_modules\/undici\//);
  });
});
