// `node --import recall-hooks/redirect app.js` with RECALL_HOOKS_EMULATOR=http://127.0.0.1:8080: every
// request that Node's fetch or undici makes to *.recall.ai goes to the emulator instead; every other
// request goes where it was going. It wraps the global undici dispatcher, which Node's own fetch uses.
// This is a preload, not the library: it reads the environment and may write one warning.
import { Dispatcher, getGlobalDispatcher, setGlobalDispatcher } from "undici";
import { redirectOrigin } from "./emulate/redirect-target.js";

const target = redirectOrigin(process.env["RECALL_HOOKS_EMULATOR"]);

class RecallRedirect extends Dispatcher {
  readonly #inner: Dispatcher;
  readonly #origin: string;

  constructor(inner: Dispatcher, origin: string) {
    super();
    this.#inner = inner;
    this.#origin = origin;
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const origin = options.origin === undefined ? null : new URL(String(options.origin));
    if (origin !== null && isRecall(origin.hostname)) return this.#inner.dispatch({ ...options, origin: this.#origin }, handler);
    return this.#inner.dispatch(options, handler);
  }

  override close(): Promise<void> {
    return this.#inner.close();
  }

  override destroy(): Promise<void> {
    return this.#inner.destroy();
  }
}

function isRecall(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, "");
  return name === "recall.ai" || name.endsWith(".recall.ai");
}

if (target.origin !== null) setGlobalDispatcher(new RecallRedirect(getGlobalDispatcher(), target.origin));
else process.stderr.write(`recall-hooks/redirect: ${target.problem}\n`);
