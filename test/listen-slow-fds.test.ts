import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import type { Socket } from "node:net";
import { describe, it } from "node:test";
import { ListenProcess, post } from "./helpers/listen.js";
import { openSocket } from "./helpers/raw.js";

const CLIENTS = 20;
/** Each client writes one header byte per drip; this many drips is far past the header timeout. */
const DRIPS = 40;
const DRIP_MS = 150;

async function openFds(pid: number): Promise<number> {
  return (await readdir(`/proc/${pid}/fd`)).length;
}

/** A client that drips its headers a byte at a time and never reads what it is sent. */
async function dripper(port: number, first: string): Promise<{ socket: Socket; cut: Promise<void> }> {
  const socket = await openSocket(port);
  socket.pause();
  const cut = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  socket.on("error", () => {});
  socket.write(first);
  return { socket, cut };
}

const SLOW = "POST /slow HTTP/1.1\r\nhost: 127.0.0.1\r\n";
const MALFORMED = "POST /bad HTTP/1.1\r\nho st: 127.0.0.1\r\n";
const HUGE = `POST /huge HTTP/1.1\r\nhost: 127.0.0.1\r\nx-pad: ${"a".repeat(20_000)}`;

describe("listen: slow clients do not keep their socket (issue 8 defect 1)", () => {
  for (const [answer, first] of [["408", SLOW], ["400", MALFORMED], ["431", HUGE]] as const) {
    it(`destroys the sockets of clients that keep writing and never read, after the ${answer}`, { timeout: 60_000 }, async () => {
      const listen = await ListenProcess.start(["--no-save", "--header-timeout", "300", "--body-timeout", "600"]);
      try {
        await cutsOffSlowClients(listen, first);
      } finally {
        listen.child.kill("SIGINT");
      }
      assert.equal(await listen.exited, 130);
    });
  }
});

async function cutsOffSlowClients(listen: ListenProcess, first: string): Promise<void> {
  // The process that listens: the command runs it as a child (src/respawn.ts).
  const pid = listen.ready.pid;
  assert.notEqual(pid, listen.child.pid);
  const port = Number(new URL(listen.ready.local_url).port);
  const baseline = await openFds(pid);
  const clients = await Promise.all(Array.from({ length: CLIENTS }, () => dripper(port, first)));
  try {
    // A delivery answered after the clients connected: the listener has accepted them, one descriptor each.
    await post(listen.ready.local_url, {}, "{}");
    // (Malformed requests are answered at once: their descriptors may be gone already.)
    if (first === SLOW) assert.ok((await openFds(pid)) >= baseline + CLIENTS, "each slow client holds a descriptor while it is being read");
    let open = clients.length;
    for (const c of clients) void c.cut.then(() => { open -= 1; });
    // The clients keep writing (as a slowloris does) for DRIPS rounds, or until the listener cut them all off.
    for (let drip = 0; drip < DRIPS && open > 0; drip += 1) {
      await new Promise((resolve) => setTimeout(resolve, DRIP_MS));
      for (const c of clients) if (!c.socket.destroyed) c.socket.write("x");
    }
    // Counted while the clients that were not cut off still hold their end open. The listener closes
    // a descriptor a moment after its peer is gone (and after the pacing delivery's own connection):
    // give it a few more drips to get there, no more.
    await post(listen.ready.local_url, {}, "{}");
    let after = await openFds(pid);
    for (let wait = 0; wait < 10 && after > baseline; wait += 1) {
      await new Promise((resolve) => setTimeout(resolve, DRIP_MS));
      after = await openFds(pid);
    }
    assert.ok(after <= baseline, `descriptors back to the baseline of ${baseline} (${after}; ${open} of ${CLIENTS} clients still connected)`);
  } finally {
    for (const c of clients) c.socket.destroy();
  }
}
