// The bench's baseline and sink: a bare node:http server that reads each body and answers 204.
// Prints {"port": n} on stdout once it listens. Over IPC (when spawned with one), "stats" answers
// how many requests arrived and when the first and last did, and starts counting again.
import { createServer } from "node:http";

let count = 0;
let first = 0;
let last = 0;
const server = createServer((req, res) => {
  req.on("data", () => {});
  req.on("end", () => {
    last = performance.now();
    if (count === 0) first = last;
    count += 1;
    res.writeHead(204).end();
  });
});
server.keepAliveTimeout = 5_000;
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.on("message", (message) => {
  if (message !== "stats") return;
  process.send({ count, first, last });
  count = 0;
});
const stop = () => process.exit(0);
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
