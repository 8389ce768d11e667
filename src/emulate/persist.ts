import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { RecallHooksError } from "../errors.js";
import { tryParse } from "../json.js";
import type { BotState } from "./state.js";

// --state <file>: the bots as JSON, rewritten (write a temp file, then rename) shortly after each
// change (batched) and on close, so a restart finds them, and a crash mid-write leaves the previous copy.

const VERSION = 1;

export class StateFile {
  readonly path: string;
  readonly #collect: () => BotState[];
  #timer: NodeJS.Timeout | null = null;
  #writing: Promise<void> = Promise.resolve();

  constructor(path: string, collect: () => BotState[]) {
    this.path = path;
    this.#collect = collect;
  }

  /** The saved bots; none when the file does not exist yet. Throws when it exists but does not read. */
  static async load(path: string): Promise<BotState[]> {
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    const value = tryParse(text) as { version?: number; bots?: BotState[] } | undefined;
    if (value === undefined) throw new RecallHooksError("E_STATE_FILE", `${path} is not JSON, so it is not an emulator state file.`, { path });
    if (value.version !== VERSION || !Array.isArray(value.bots)) {
      throw new RecallHooksError("E_STATE_FILE", `${path} is not an emulator state file (version ${String(value.version)}).`, { path });
    }
    return value.bots;
  }

  /** Saves soon: changes within half a second are written together (a busy run rewrites the file at most twice a second). */
  schedule(): void {
    if (this.#timer !== null) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.flush();
    }, 500);
    this.#timer.unref();
  }

  async flush(): Promise<void> {
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    const text = JSON.stringify({ version: VERSION, saved_at: new Date().toISOString(), bots: this.#collect() });
    this.#writing = this.#writing.then(async () => {
      await mkdir(dirname(this.path), { recursive: true });
      const temp = `${this.path}.${process.pid}.tmp`;
      await writeFile(temp, text);
      await rename(temp, this.path);
    });
    await this.#writing;
  }
}
