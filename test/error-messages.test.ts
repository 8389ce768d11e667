import { test } from "node:test";
import assert from "node:assert/strict";
import { describeError } from "../src/error-messages.js";
import { RecallHooksError, UsageError } from "../src/errors.js";
import { buildEvent } from "../src/recall/build.js";
import { findScenario, parseScenarioFile, withSubCode } from "../src/recall/scenarios.js";
import { parseSecret } from "../src/webhook/secret.js";

function thrown(fn: () => unknown): RecallHooksError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof RecallHooksError);
    return error;
  }
  assert.fail("expected a throw");
}

test("the core's messages name no flag; the command line's name the flag or command that fixes them", () => {
  const cases = [
    { error: thrown(() => parseSecret("whsec_not base64!")), cli: /^The secret from --secret\/RECALL_WEBHOOK_SECRET is not .*recall-hooks secret/ },
    { error: thrown(() => buildEvent("bot.teleported")), cli: /run `recall-hooks events`/ },
    { error: thrown(() => findScenario("nope")), cli: /simulate lifecycle --list/ },
    { error: thrown(() => withSubCode(findScenario("fatal"), "call_ended_by_host")), cli: /recall-hooks events bot\.fatal/ },
    { error: thrown(() => parseScenarioFile("{", "lifecycle.json")), cli: /^--scenario-file lifecycle\.json is not JSON/ },
  ];
  for (const { error, cli } of cases) {
    assert.doesNotMatch(error.message, /--|recall-hooks /, error.code);
    const described = describeError(error);
    assert.match(described.message, cli, error.code);
    assert.equal(described.exitCode, 2, error.code);
  }
});

test("a command's usage error is printed as it is, with exit 2", () => {
  assert.deepEqual(describeError(new UsageError("--to takes a URL.")), { message: "--to takes a URL.", exitCode: 2 });
});
