import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { generateSecret } from "../src/webhook/secret.js";
import { Signer } from "../src/webhook/sign.js";
import { runCli } from "./helpers/cli.js";

describe("config file precedence: flags > environment > config file > defaults", () => {
  it("takes the secret from recall-hooks.config.json, and lets the environment and flags override it", async () => {
    const right = generateSecret();
    const wrong = generateSecret();
    const dir = await mkdtemp(join(tmpdir(), "rh-config-"));
    const body = '{"event":"bot.done"}';
    const capture = JSON.stringify({ headers: new Signer(right).sign("msg_c", Math.floor(Date.now() / 1000), body).headers, body });
    await writeFile(join(dir, "capture.json"), capture);

    await writeFile(join(dir, "recall-hooks.config.json"), JSON.stringify({ secret: right, verify: { tolerance: 60 } }));
    assert.equal((await runCli(["verify", "capture.json"], { cwd: dir })).code, 0);
    assert.equal((await runCli(["verify", "capture.json"], { cwd: dir, env: { RECALL_WEBHOOK_SECRET: wrong } })).code, 1, "env beats config");
    assert.equal((await runCli(["verify", "capture.json", "--secret", right], { cwd: dir, env: { RECALL_WEBHOOK_SECRET: wrong } })).code, 0, "flag beats env");

    await writeFile(join(dir, "recall-hooks.config.json"), JSON.stringify({ secret: wrong }));
    assert.equal((await runCli(["verify", "capture.json", "--secret", right], { cwd: dir })).code, 0, "flag beats config");
  });

  it("rejects a broken config file with a one-line fix", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rh-config-"));
    await writeFile(join(dir, "recall-hooks.config.json"), "{ nope");
    const result = await runCli(["events", "bot.done"], { cwd: dir });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^error: .*recall-hooks\.config\.json is not valid JSON.*\n$/);
    await writeFile(join(dir, "recall-hooks.config.json"), JSON.stringify({ verify: { tolerance: "soon" } }));
    const bad = await runCli(["verify", "x.json", "--secret", generateSecret()], { cwd: dir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /verify\.tolerance/);
  });

  it("warns about keys that match no option, with the closest name (issue 8 defect 11)", async () => {
    const secret = generateSecret();
    const dir = await mkdtemp(join(tmpdir(), "rh-config-"));
    const body = '{"event":"bot.done"}';
    await writeFile(join(dir, "capture.json"), JSON.stringify({ headers: new Signer(secret).sign("msg_c", Math.floor(Date.now() / 1000), body).headers, body }));
    await writeFile(join(dir, "recall-hooks.config.json"), JSON.stringify({
      secret, secrte: "x", forwardTo: ["http://127.0.0.1:1/"], verify: { tolerence: 60, "ignore-timestamp": true }, verfy: { tolerance: 1 },
    }));
    const result = await runCli(["verify", "capture.json"], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    const warnings = result.stderr.split("\n").filter((l) => l.startsWith("warning:"));
    assert.deepEqual(warnings, [
      'warning: recall-hooks.config.json: "verify.tolerence" matches no option of verify: did you mean "tolerance"? It is ignored.',
      'warning: recall-hooks.config.json: "verify.ignore-timestamp" matches no option of verify: did you mean "ignoreTimestamp"? It is ignored.',
      'warning: recall-hooks.config.json: "secrte" matches no option of any command: did you mean "secret"? It is ignored.',
      'warning: recall-hooks.config.json: "verfy" matches no option of any command: did you mean "verify"? It is ignored.',
    ]);
  });
});
