import type { Writable } from "node:stream";
import { loadStyle, type Style, wantsColor } from "./style.js";

export interface ReporterOptions {
  readonly stdout: Writable & { isTTY?: boolean };
  readonly stderr: Writable & { isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Machine output: stdout gets only JSON. */
  readonly json: boolean;
}

export interface Spinner {
  update(text: string): void;
  stop(finalText?: string): void;
}

/**
 * The one place that writes to the terminal. stdout is data (event lines, NDJSON, a signature);
 * stderr is chatter (banners, warnings, spinners). Renderers return strings; this writes them.
 */
export class Reporter {
  readonly json: boolean;
  readonly out: Style;
  readonly err: Style;
  readonly #options: ReporterOptions;
  /** Lines waiting for the end of this turn of the event loop; null writes each line at once. */
  #batch: string[] | null = null;
  #scheduled = false;

  private constructor(options: ReporterOptions, out: Style, err: Style) {
    this.#options = options;
    this.json = options.json;
    this.out = out;
    this.err = err;
  }

  static async create(options: ReporterOptions): Promise<Reporter> {
    const outColor = !options.json && wantsColor(options.stdout, options.env);
    const errColor = wantsColor(options.stderr, options.env);
    const [out, err] = await Promise.all([loadStyle(outColor), loadStyle(errColor)]);
    return new Reporter(options, out, err);
  }

  /** A line of data on stdout. */
  data(line: string): void {
    this.#out(`${line}\n`);
  }

  /** Lines of data on stdout, in one write (a table of a hundred lines took a hundred system calls). */
  lines(lines: readonly string[]): void {
    if (lines.length > 0) this.#out(`${lines.join("\n")}\n`);
  }

  /** One JSON document (or NDJSON record) on stdout. */
  record(value: unknown): void {
    this.#out(`${JSON.stringify(value)}\n`);
  }

  /**
   * For streams of records (listen, simulate, replay): the lines written in one turn of the event
   * loop go out in one write. stdout on a file or pipe is written synchronously, and one write per
   * record was the listener's largest single cost under load (npm run bench).
   */
  startBatching(): void {
    this.#batch ??= [];
  }

  /** Writes the lines waiting, and writes each line at once from now on. */
  stopBatching(): void {
    this.#writeBatch();
    this.#batch = null;
  }

  #out(text: string): void {
    if (this.#batch === null) {
      this.#options.stdout.write(text);
      return;
    }
    this.#batch.push(text);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.#writeBatch());
  }

  #writeBatch(): void {
    this.#scheduled = false;
    if (this.#batch === null || this.#batch.length === 0) return;
    const text = this.#batch.join("");
    this.#batch = [];
    this.#options.stdout.write(text);
  }

  /** Chatter on stderr. */
  info(line: string): void {
    this.#options.stderr.write(`${line}\n`);
  }

  warn(line: string): void {
    this.#options.stderr.write(`${this.err.yellow("warning:")} ${line}\n`);
  }

  /** A spinner on stderr when it is a terminal; otherwise nothing (pipes get no spinner). */
  async spinner(text: string): Promise<Spinner> {
    const stream = this.#options.stderr;
    // A terminal that reports no width (some `script` setups) sends ora's redraw into a loop.
    const columns = (stream as { columns?: number }).columns;
    if (stream.isTTY !== true || !columns) return { update: () => {}, stop: () => {} };
    const { default: ora } = await import("ora");
    const spin = ora({ text, stream, isEnabled: true, color: "cyan" }).start();
    return {
      update: (t) => { spin.text = t; },
      stop: (finalText) => { if (finalText) spin.stopAndPersist({ text: finalText, symbol: " " }); else spin.stop(); },
    };
  }

  /** Resolves once everything written so far has been handed to the OS. */
  async flush(): Promise<void> {
    this.#writeBatch();
    await Promise.all([drain(this.#options.stdout), drain(this.#options.stderr)]);
  }
}

function drain(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    if (stream.writableLength === 0) resolve();
    else stream.write("", () => resolve());
  });
}
