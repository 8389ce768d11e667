import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describeUnmatchedPatterns } from "../src/recall/catalog.js";
import { generateSecret } from "../src/webhook/secret.js";
import { runCli } from "./helpers/cli.js";
import { ListenProcess } from "./helpers/listen.js";

describe("--events patterns that match no known event are warned about (issue 8 defect 14)", () => {
  it("names each pattern that matches nothing, with the closest event type", () => {
    assert.deepEqual(describeUnmatchedPatterns(["bot.fatl, bot.*", "recording.done", "nothing.*"]), [
      'The event pattern "bot.fatl" matches no known event type: did you mean "bot.fatal"? (`recall-hooks events` lists them.)',
      'The event pattern "nothing.*" matches no known event type (`recall-hooks events` lists them.)',
    ]);
  });

  it("replay warns on stderr", async () => {
    const { code, stderr } = await runCli(["replay", "bot.done", "--to", "http://127.0.0.1:9/", "--secret", generateSecret(), "--events", "bot.don"]);
    assert.equal(code, 0, stderr);
    assert.match(stderr, /^warning: The event pattern "bot\.don" matches no known event type: did you mean "bot\.done"\?/m);
  });

  it("listen warns on stderr", async () => {
    const listen = await ListenProcess.start(["--no-save", "--events", "bot.joinig_call,bot.*"]);
    await listen.stop();
    assert.match(listen.stderr, /warning: The event pattern "bot\.joinig_call" matches no known event type: did you mean "bot\.joining_call"\?/);
    assert.doesNotMatch(listen.stderr, /"bot\.\*"/);
  });
});
