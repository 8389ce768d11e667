import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { createServer, request, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
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
  ready!: JsonRecord & { local_url: string; journal: string | null; public_url: string | null };

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

export interface TargetRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** A stand-in for the developer's app: records every request; the answer is up to `respond`. */
export class Target {
  readonly requests: TargetRequest[] = [];
  readonly server: Server;
  respond: (req: TargetRequest) => { status: number; body?: string } | "hang" = () => ({ status: 200, body: "ok" });
  #waiters: (() => void)[] = [];
  port = 0;

  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const got: TargetRequest = { path: req.url ?? "/", headers: req.headers, body: Buffer.concat(chunks) };
        this.requests.push(got);
        for (const w of this.#waiters.splice(0)) w();
        const answer = this.respond(got);
        if (answer === "hang") return;
        res.writeHead(answer.status).end(answer.body ?? "");
      });
    });
  }

  async listen(port = 0): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(port, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/webhooks/recall`;
  }

  async waitForRequests(count: number): Promise<TargetRequest[]> {
    while (this.requests.length < count) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    return this.requests;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
