import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { type Browser, chromium } from "playwright-core";
import { BIN, ROOT } from "./cli.js";
import { cleanEnv, onLines } from "./listen.js";

export const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";

/**
 * Debian's chromium, headless, with nothing that calls home, in a fresh profile (playwright makes a
 * temporary user-data-dir for every launch). Fails (never skips) when it is missing.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`No browser at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH). The inspector's browser tests need it.`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
}

export interface Child {
  readonly ready: Record<string, unknown> & { inspect_url: string };
  readonly lines: Record<string, unknown>[];
  stop(): Promise<number | null>;
}

/** Runs the built binary and waits for its `ready` record (the one with `inspect_url`). */
export function spawnReady(args: readonly string[], cwd = ROOT): Promise<Child> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: cleanEnv() });
  const lines: Record<string, unknown>[] = [];
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (c: string) => { stderr += c; });
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    onLines(child.stdout, (line) => {
      if (line.trim() === "") return;
      const record = JSON.parse(line) as Record<string, unknown>;
      lines.push(record);
      if (record["type"] === "ready" && typeof record["inspect_url"] === "string") {
        resolve({ ready: record as Child["ready"], lines, stop: () => { child.kill("SIGINT"); return exit; } });
      }
    });
    void exit.then((code) => reject(new Error(`${args.join(" ")} exited (${code}) before ready: ${stderr}`)));
  });
}

export interface Relay {
  readonly url: string;
  /** The inspector behind the relay from now on (its URL), or none, or this status for every request. */
  to(target: string | null | number): void;
  close(): Promise<void>;
}

/**
 * A fixed address in front of an inspector that is replaced: the page keeps its origin while one
 * inspector process stops and another starts on a port of its own. (Restarting on the old port
 * races every other process on the machine for it.) With nothing behind it, or when the inspector
 * behind it goes away, the relay cuts the connection: a network error, on which EventSource retries.
 */
export async function startRelay(): Promise<Relay> {
  let target: URL | null | number = null;
  const server = createServer((req, res) => {
    const behind = target;
    if (behind === null) return void req.socket.destroy();
    if (typeof behind === "number") return void res.writeHead(behind, { "content-type": "text/plain" }).end("refused by the test relay\n");
    const headers = { ...req.headers, host: behind.host, ...(req.headers.origin !== undefined && { origin: behind.origin }) };
    const upstream = request(new URL(req.url ?? "/", behind), { method: req.method, headers, agent: false }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
      answer.on("close", () => { if (!answer.complete) res.destroy(); });
    });
    upstream.on("error", () => req.socket.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    to: (url) => { target = url === null || typeof url === "number" ? url : new URL(url); },
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
