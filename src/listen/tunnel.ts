/** The states a tunnel reports; each change is one NDJSON `tunnel` record. */
export type TunnelState = "connecting" | "connected" | "reconnecting" | "closed" | "failed";

export interface TunnelEvent {
  readonly state: TunnelState;
  readonly url: string | null;
  readonly error: string | null;
  /** For "failed": when the next try is, or null when it will not be retried (a bad token). */
  readonly retryInMs: number | null;
}

/** A provider opens a public URL that forwards to a local port. Tests pass a fake. */
export interface TunnelProvider {
  readonly name: string;
  /** Resolves with the public URL; `onLost`/`onRestored` report a session that drops and comes back. */
  open(port: number, hooks: { onLost(error: string): void; onRestored(): void }): Promise<string>;
  close(): Promise<void>;
}

export class TunnelError extends Error {
  /** False for errors a retry cannot fix (a bad token, a domain the account does not own). */
  readonly retryable: boolean;
  constructor(message: string, retryable: boolean) {
    super(message);
    this.retryable = retryable;
  }
}

export interface TunnelKeeperOptions {
  readonly provider: TunnelProvider;
  readonly port: number;
  readonly onEvent: (event: TunnelEvent) => void;
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
}

/**
 * Keeps a tunnel open: the first failure is reported and retried with backoff in the background;
 * the local listener never depends on it.
 */
export class TunnelKeeper {
  readonly #options: TunnelKeeperOptions;
  #timer: NodeJS.Timeout | null = null;
  #closed = false;
  #failures = 0;
  url: string | null = null;

  constructor(options: TunnelKeeperOptions) {
    this.#options = options;
  }

  /** Tries once; resolves with the URL or null (a failure already reported, a retry scheduled). */
  async start(): Promise<string | null> {
    this.#emit("connecting", null, null);
    try {
      this.url = await this.#options.provider.open(this.#options.port, {
        onLost: (error) => this.#emit("reconnecting", error, null),
        onRestored: () => this.#emit("connected", null, null),
      });
      this.#failures = 0;
      this.#emit("connected", null, null);
      return this.url;
    } catch (error) {
      const retryable = !(error instanceof TunnelError) || error.retryable;
      const delay = retryable && !this.#closed ? this.#backoff() : null;
      this.#emit("failed", error instanceof Error ? error.message : String(error), delay);
      if (delay !== null) {
        this.#timer = setTimeout(() => void this.start(), delay);
        this.#timer.unref();
      }
      return null;
    }
  }

  #backoff(): number {
    this.#failures += 1;
    return Math.min(this.#options.retryMaxMs ?? 60_000, (this.#options.retryBaseMs ?? 2_000) * 2 ** (this.#failures - 1));
  }

  #emit(state: TunnelState, error: string | null, retryInMs: number | null): void {
    if (this.#closed && state !== "closed") return;
    this.#options.onEvent({ state, url: this.url, error, retryInMs });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#options.provider.close().catch(() => {});
    this.#emit("closed", null, null);
    this.#closed = true;
  }
}
