// Screenshots of the inspector for the README (docs/inspector-*.png), light and dark:
// node scripts/inspector-screenshots.mjs (after npm run build; needs /usr/bin/chromium).
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";
import { Signer } from "../dist/webhook/sign.js";
import { generateSecret } from "../dist/webhook/secret.js";
import { buildEvent } from "../dist/recall/build.js";
import { formatBody } from "../dist/recall/body-format.js";

const bin = new URL("../bin/recall-hooks.cjs", import.meta.url).pathname;
const secret = generateSecret();
const dir = mkdtempSync(join(tmpdir(), "rh-shots-"));

function start(args) {
  const child = spawn(process.execPath, [bin, ...args], { cwd: dir, env: { ...process.env, NO_COLOR: "1" } });
  child.stderr.resume();
  return new Promise((resolve) => {
    createInterface({ input: child.stdout }).on("line", (line) => {
      const r = JSON.parse(line);
      if (r.type === "ready") resolve({ child, ready: r });
    });
  });
}

const run = (args) => new Promise((resolve) => spawn(process.execPath, [bin, ...args], { cwd: dir, stdio: "ignore" }).on("exit", resolve));

const { child, ready } = await start(["listen", "--json", "--port", "0", "--inspect", "0", "--secret", secret, "--forward-to", "http://127.0.0.1:9/webhooks/recall", "--retry-base", "60000"]);
await run(["simulate", "lifecycle", "--to", ready.local_url, "--secret", secret, "--speed", "0", "--bots", "2", "--reorder", "--seed", "3", "--duplicates", "0.2"]);
// A bot that streams a meeting into the listener's WebSocket: its lane shows the real-time traffic and transcript.
await run(["simulate", "lifecycle", "--to", ready.local_url, "--secret", secret, "--speed", "0", "--realtime-to", `${ready.local_url.replace(/^http/, "ws")}realtime`, "--raw-audio", "mixed"]);
await run(["simulate", "lifecycle", "--to", ready.local_url, "--secret", secret, "--speed", "0", "--scenario", "fatal-in-waiting-room"]);
const signer = new Signer(secret);
const body = formatBody(buildEvent("bot.call_ended", { subCode: "bot_kicked_from_call" }), "spaced");
const s = signer.sign("msg_2yJ0tampered7Qx", Math.floor(Date.now() / 1000), body);
await fetch(ready.local_url, { method: "POST", headers: { "content-type": "application/json", ...s.headers }, body: JSON.stringify(JSON.parse(body)) });

const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"] });
for (const scheme of ["light", "dark"]) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 }, colorScheme: scheme });
  await page.goto(ready.inspect_url);
  await page.locator('[data-msg="msg_2yJ0tampered7Qx"]').waitFor();
  await page.locator('#list .row[data-event="bot.fatal"]').first().click();
  await page.locator(".check").first().waitFor();
  await page.screenshot({ path: `docs/inspector-list-${scheme}.png` });
  await page.locator('[data-msg="msg_2yJ0tampered7Qx"]').click();
  await page.locator(".check.fail").waitFor();
  await page.locator('[data-section="verification"]').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `docs/inspector-detail-${scheme}.png` });
  await page.locator('#list .row[data-event="bot.done"]').first().click();
  await page.keyboard.press("b");
  await page.locator(".lane .transcript .utt").first().waitFor();
  await page.screenshot({ path: `docs/inspector-timeline-${scheme}.png` });
  await page.close();
}
await browser.close();
child.kill("SIGINT");
