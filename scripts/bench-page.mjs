// The bench's stand-in for one inspector page: `node bench-page.mjs <inspect_url>` reads the
// inspector's stream (GET /api/stream, Server-Sent Events) as the page's EventSource does, in a
// process of its own as a browser would be. It keeps the last id and, when the inspector cuts it off
// (a page that falls behind is cut, not buffered), reconnects with Last-Event-ID at once.
// Prints {"type":"attached"} once the first stream is open. Over IPC, {"until": n} is answered with
// {events, doubled, reconnects} once n delivery records (`"type":"event"`) have arrived; `doubled`
// counts ids seen twice (there should be none).
import { get } from "node:http";

const stream = new URL("api/stream", process.argv[2]);
const seen = new Set();
let events = 0;
let doubled = 0;
let reconnects = -1;
let lastId = null;
let attached = false;
let until = null;

function connect() {
  reconnects += 1;
  const headers = lastId === null ? {} : { "last-event-id": lastId };
  const req = get(stream, { headers, agent: false }, (res) => {
    if (res.statusCode !== 200) {
      process.stderr.write(`the inspector's stream answered ${res.statusCode}\n`);
      process.exit(1);
    }
    if (!attached) {
      attached = true;
      process.stdout.write(`${JSON.stringify({ type: "attached" })}\n`);
    }
    let rest = "";
    res.setEncoding("utf8");
    res.on("data", (text) => {
      const blocks = (rest + text).split("\n\n");
      rest = blocks.pop();
      for (const block of blocks) read(block);
      answer();
    });
    res.on("close", connect);
  });
  req.on("error", () => {});
}

/** One SSE message: `id: <cursor>\ndata: <record>`; comments (pings), retry and caught-up are not records. */
function read(block) {
  if (!block.startsWith("id: ")) return;
  const end = block.indexOf("\n");
  const id = block.slice(4, end);
  lastId = id;
  if (seen.has(id)) doubled += 1;
  seen.add(id);
  if (block.startsWith('data: {"type":"event"', end + 1)) events += 1;
}

function answer() {
  if (until === null || events < until) return;
  until = null;
  process.send({ events, doubled, reconnects });
}

process.on("message", (message) => {
  until = message.until;
  answer();
});
const stop = () => process.exit(0);
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
connect();
