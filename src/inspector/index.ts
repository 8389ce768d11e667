import { randomBytes } from "node:crypto";
import { watch, type FSWatcher } from "node:fs";
import type { Dispatcher } from "undici";
import type { Appended } from "../deliveries/journal.js";
import type { ListenerEvent } from "../listen/listener.js";
import type { Signer } from "../webhook/sign.js";
import { type InspectorServer, startInspectorServer } from "./server.js";
import { JournalStore } from "./store.js";

export interface InspectorOptions {
  readonly journalPath: string;
  /** Default 127.0.0.1; anything else needs the token this returns. */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly signer?: Signer | null;
  readonly toleranceSeconds?: number;
  readonly targets?: readonly string[];
  readonly fixturesDir: string;
  /** "live" beside a listener in this process; "journal" over a file, followed as it grows. */
  readonly mode: "live" | "journal";
  /** Summaries kept in memory; default 1000. */
  readonly ringSize?: number;
  readonly now?: () => number;
  readonly dispatcher?: Dispatcher;
}

export interface Inspector {
  readonly url: string;
  readonly port: number;
  /** Set when bound beyond loopback: the page needs it (the URL carries it). */
  readonly token: string | null;
  /** Hand every listener event here: the inspector reads the journal lines it wrote. */
  onListenerEvent(event: ListenerEvent): void;
  /**
   * A line the listener in this process just wrote to the journal (Listener option onJournaled):
   * its entry is made from what the listener already knows, the file is not read again. Once this is
   * called, listener events no longer make the inspector read the file.
   */
  onJournaled(appended: Appended): void;
  /** The journal grew (written in this process by something other than a listener): read what is new. */
  refresh(): void;
  close(): Promise<void>;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);

/** The inspector: a page and a JSON/SSE API over the journal, on its own loopback server. */
export async function startInspector(o: InspectorOptions): Promise<Inspector> {
  const host = o.host ?? "127.0.0.1";
  const token = LOOPBACK.has(host) ? null : randomBytes(16).toString("hex");
  const store = new JournalStore(o.journalPath, o.ringSize !== undefined ? { ringSize: o.ringSize } : {});
  await store.open();
  let server: InspectorServer;
  try {
    server = await startInspectorServer({
      store, host, port: o.port ?? 0, signer: o.signer ?? null, toleranceSeconds: o.toleranceSeconds ?? 300, targets: o.targets ?? [],
      fixturesDir: o.fixturesDir, token, mode: o.mode, now: o.now ?? Date.now, ...(o.dispatcher && { dispatcher: o.dispatcher }),
    });
  } catch (error) {
    // A port in use must not leave the journal open: the caller tries another port, or the process ends.
    await store.close();
    throw error;
  }
  // Watched only once the server is up: a watcher left behind by a failed start keeps the process alive.
  let watcher: FSWatcher | null = null;
  if (o.mode === "journal") {
    watcher = watch(o.journalPath, () => store.refresh());
    watcher.on("error", () => {});
    store.refresh(); // what was written while the server started
  }
  return {
    url: server.url, port: server.port, token,
    onListenerEvent: (event) => {
      if (event.type !== "resumed") store.onListenerEvent(event);
    },
    onJournaled: (appended) => store.appended(appended),
    refresh: () => store.refresh(),
    async close() {
      watcher?.close();
      await server.close();
      await store.close();
    },
  };
}
