import { Command, Option } from "commander";
import { type CommandContext, collect, jsonOption, secretOption } from "./context.js";
import { integer } from "./options.js";
import type { ListenCommandOptions } from "./listen-run.js";

export function listenCommand(ctx: CommandContext): Command {
  return new Command("listen")
    .description("run a local listener (behind an ngrok tunnel when NGROK_AUTHTOKEN is set): verify, print, journal and forward every delivery")
    .option("-p, --port <port>", "port to listen on; 0 picks a free one", integer(0, 65535), 8787)
    .option("--host <host>", "address to bind; 0.0.0.0 exposes it to your network", "127.0.0.1")
    .addOption(secretOption())
    .option("--skip-verify", "accept every delivery without checking its signature")
    .option("--tolerance <seconds>", "how far a signature's timestamp may be from now", integer(0), 300)
    .addOption(new Option("--tunnel <provider>", "public tunnel (default: ngrok when NGROK_AUTHTOKEN is set)").choices(["ngrok", "none"]))
    .addOption(new Option("--authtoken <token>", "ngrok authtoken").env("NGROK_AUTHTOKEN").hideHelp())
    .option("--domain <domain>", "a static ngrok domain, so Recall's dashboard URL never changes")
    .option("--ngrok-server-addr <host:port>", "advanced: the ngrok ingress to dial (ngrok's server_addr), for a custom ngrok ingress")
    .option("--public-url <url>", "the public URL of a tunnel you run yourself (printed for Recall's dashboard)")
    .option("-f, --forward-to <url>", "forward to your app: <url>, or '<event glob>=<url>'; ws:// relays WebSocket frames; repeatable", collect)
    .option("--resend-owed-to <url>", "send forwards an earlier run still owes to targets no longer configured to this URL instead")
    .option("-e, --events <globs>", "only report and forward these event types (bot.*,recording.done); all are journaled", collect)
    .option("--save <file>", "the journal (JSONL) to append every accepted delivery to", ".recall-hooks/journal.jsonl")
    .option("--no-save", "keep no journal")
    .option("--pass-through", "answer Recall with your app's status (waits up to 12 s) instead of 2xx at once")
    .option("--max-body <bytes>", "largest body accepted (413 above)", integer(1), 1024 * 1024)
    .option("--header-timeout <ms>", "time allowed for a request's headers", integer(100), 3_000)
    .option("--body-timeout <ms>", "time allowed for a whole request, headers and body", integer(100), 6_000)
    .option("--forward-timeout <ms>", "time a forward target gets to answer", integer(100), 10_000)
    .option("--retry-base <ms>", "first retry delay of a failed forward (doubles, up to 30 s)", integer(10), 1_000)
    .option("--inspect [port]", "open the inspector, a local web page over the deliveries (port: first free from 4141)", integer(0, 65535))
    .option("--inspect-host <host>", "address for the inspector; anything but loopback needs the printed token", "127.0.0.1")
    .addOption(jsonOption().conflicts("pretty"))
    .option("--pretty", "human output even when stdout is not a terminal")
    .addHelpText("after", `
Without --json, output is NDJSON when stdout is not a terminal (records: ready, event, forward, tunnel, frame, socket, summary).
WebSocket upgrades are accepted on any path (Recall's real-time WebSocket endpoints): verified over an empty body, every frame journaled.

Examples:
  $ recall-hooks listen --secret whsec_... --forward-to http://localhost:3000/webhooks/recall
  $ NGROK_AUTHTOKEN=... recall-hooks listen --domain my-app.ngrok-free.app
  $ recall-hooks listen -f 'bot.*=http://localhost:3000/hooks/bot' -f 'recording.*=http://localhost:3000/hooks/media'
  $ recall-hooks listen --json | jq 'select(.type=="event")'
  $ recall-hooks listen --secret whsec_... --forward-to ws://localhost:3000/realtime   real-time WebSocket frames to your app
  $ recall-hooks listen --inspect                                  the inspector page at http://127.0.0.1:4141/`)
    .action(async (options: ListenCommandOptions) => {
      const { runListen } = await import("./listen-run.js");
      ctx.exitCode = await runListen(options, ctx);
    });
}
