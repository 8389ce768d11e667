import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { request } from "node:http";
import type { Readable } from "node:stream";
import { BIN, ROOT } from "./cli.js";

export type JsonRecord = Record<string, unknown> & { type: string };

/** `recall-hooks listen --json --port 0 ...` as a child process, read record by record. */
export class ListenProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly records: JsonRecord[] = [];
  stderr = "";
  #waiters: { predicate: (r: JsonRecord) => boolean; resolve: (r: JsonRecord) => void }[] = [];
  #exit: Promise<number | null>;
  ready!: JsonRecord & { local_url: string; pid: number; journal: string | null; public_url: string | null };

  private constructor(child: ChildProcessWithoutNullStreams) {
    this.child = child;
    onLines(child.stdout, (line) => {
      if (line.trim() === "") return;
      const record = JSON.parse(line) as JsonRecord;
      this.records.push(record);
      this.#waiters = this.#waiters.filter((w) => (w.predicate(record) ? (w.resolve(record), false) : true));
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => { this.stderr += chunk; });
    this.#exit = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
  }

  static async start(args: readonly string[], env: Record<string, string> = {}): Promise<ListenProcess> {
    const child = spawn(process.execPath, [BIN, "listen", "--json", "--port", "0", ...args], {
      cwd: ROOT, env: { ...cleanEnv(), ...env },
    });
    const listen = new ListenProcess(child);
    const ready = listen.waitFor((r) => r.type === "ready");
    const exited = listen.#exit.then((code) => { throw new Error(`listen exited (${code}) before ready: ${listen.stderr}`); });
    listen.ready = (await Promise.race([ready, exited])) as ListenProcess["ready"];
    return listen;
  }

  /** Resolves with the first record (already seen or to come) that matches. */
  waitFor(predicate: (r: JsonRecord) => boolean): Promise<JsonRecord> {
    const seen = this.records.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.#waiters.push({ predicate, resolve }));
  }

  /** Resolves once `count` records match. */
  async waitForCount(predicate: (r: JsonRecord) => boolean, count: number): Promise<JsonRecord[]> {
    for (;;) {
      const matching = this.records.filter(predicate);
      if (matching.length >= count) return matching;
      await new Promise<JsonRecord>((resolve) => this.#waiters.push({ predicate, resolve }));
    }
  }

  /** Ctrl-C, then the exit code. */
  async stop(signal: NodeJS.Signals = "SIGINT"): Promise<number | null> {
    this.child.kill(signal);
    return this.#exit;
  }

  get exited(): Promise<number | null> {
    return this.#exit;
  }
}

/** Calls back once per complete line a stream writes. */
export function onLines(stream: Readable, onLine: (line: string) => void): void {
  let buffer = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    buffer += chunk;
    let at: number;
    while ((at = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, at);
      buffer = buffer.slice(at + 1);
      onLine(line);
    }
  });
}

export function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  delete env.RECALL_WEBHOOK_SECRET;
  delete env.NGROK_AUTHTOKEN;
  delete env.FORCE_COLOR;
  return env;
}

export interface PostResult {
  readonly status: number;
  readonly body: string;
}

/** One POST with exact bytes and headers. */
export function post(url: string, headers: Record<string, string | string[]>, body: string | Buffer): Promise<PostResult> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** The developer's app in listen's tests: the one capture server. */
export { CaptureServer as Target, type Captured as TargetRequest } from "./capture-server.js";
