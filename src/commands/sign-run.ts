import { isRecallHooksError, UsageError } from "../errors.js";
import { type BodyFormat, DEFAULT_BODY_FORMAT } from "../recall/body-format.js";
import { buildEvent, newMessageId, SAMPLE_METADATA, serializeEvent } from "../recall/build.js";
import { checkSubCode, findEvent } from "../recall/catalog.js";
import { signedRecord } from "../output/records.js";
import { renderCurl, renderHttp, renderSignedHeaders } from "../output/request.js";
import type { DeliveryResult } from "../webhook/deliver.js";
import { type SignedRequest, Signer, unixSeconds } from "../webhook/sign.js";
import { type CommandContext, reporterFor } from "./context.js";
import { parseMetadata, parseUrl, readInput, requireSecret } from "./options.js";
import { DEFAULT_URL } from "./sign.js";

export interface SignCommandOptions {
  secret?: string;
  event?: string;
  botId?: string;
  subCode?: string;
  force?: boolean;
  metadata?: string[];
  bodyFormat?: BodyFormat;
  id?: string;
  timestamp?: number;
  headers: "webhook" | "svix" | "both";
  format?: "headers" | "json" | "curl" | "http";
  url?: string;
  send?: string;
  json?: boolean;
}

export async function runSign(file: string | undefined, options: SignCommandOptions, ctx: CommandContext): Promise<number> {
  if (options.json && options.format !== undefined) throw new UsageError("--json prints JSON; drop --format or --json.");
  const format = options.json ? "json" : options.format ?? "headers";
  const reporter = await reporterFor(ctx, format === "json");
  const secret = requireSecret(options.secret, (w) => reporter.warn(w));
  const body = await readBody(file, options, ctx);
  if (options.timestamp !== undefined && options.timestamp >= MILLISECONDS_FROM) {
    throw new UsageError(`--timestamp ${options.timestamp} looks like milliseconds: give Unix seconds, --timestamp ${Math.floor(options.timestamp / 1000)}.`);
  }
  const id = options.id ?? newMessageId();
  const timestamp = options.timestamp ?? unixSeconds(ctx.now());
  const signed = new Signer(secret).sign(id, timestamp, body, options.headers);
  let parsed: URL | undefined;
  const target = (): URL => (parsed ??= parseUrl(options.send ?? options.url ?? DEFAULT_URL, options.send ? "--send" : "--url"));
  // A URL that was given is checked even where it is not printed; the default one is parsed only when
  // printed (a URL parser's first use was about 0.3 ms of a plain `sign`'s start, npm run bench).
  if (options.send !== undefined || options.url !== undefined) target();

  if (!options.send) {
    printSigned(signed, format, target, reporter);
    return 0;
  }
  // With --send: the request as asked (--format), then the answer; JSON is one document of both.
  if (options.format !== undefined && format !== "json") printSigned(signed, format, target, reporter);
  // Loaded only for --send: plain `sign` starts faster without them (npm run bench).
  const [{ createDispatcher, deliver, hintFor }, { renderDeliveryResult }] = await Promise.all([
    import("../webhook/deliver.js"), import("../output/delivery.js"),
  ]);
  const dispatcher = await createDispatcher(ctx.env, { connections: 1 });
  let result: DeliveryResult;
  try {
    result = await deliver({ url: target(), headers: { "content-type": "application/json", ...signed.headers }, body: signed.body, dispatcher });
  } finally {
    await dispatcher.close();
  }
  if (reporter.json) {
    reporter.record(signedRecord(signed, { url: target().href, result }));
  } else {
    const href = target().href;
    reporter.lines(renderDeliveryResult({ id, url: href, result, hint: hintFor(result, href) }, reporter.out));
  }
  return result.ok ? 0 : 1;
}

async function readBody(file: string | undefined, options: SignCommandOptions, ctx: CommandContext): Promise<string> {
  if (options.event !== undefined) {
    if (file !== undefined) throw new UsageError("Give either a file or --event, not both.");
    if (!findEvent(options.event)) {
      throw new UsageError(`Unknown event type "${options.event}": run \`recall-hooks events\` for the list.`);
    }
    if (options.subCode !== undefined) checkSignSubCode(options.event, options.subCode, options.force === true);
    const event = buildEvent(options.event, {
      ...(options.botId !== undefined && { botId: options.botId }),
      ...(options.subCode !== undefined && { subCode: options.subCode }),
      metadata: options.metadata !== undefined ? parseMetadata(options.metadata) : { ...SAMPLE_METADATA },
      updatedAt: new Date(ctx.now()),
    });
    return serializeEvent(event, options.bodyFormat ?? DEFAULT_BODY_FORMAT);
  }
  if (options.bodyFormat !== undefined) {
    throw new UsageError("--body-format shapes bodies built with --event; a file is signed byte for byte: drop --body-format.");
  }
  if (options.botId !== undefined || options.subCode !== undefined || options.metadata !== undefined || options.force) {
    throw new UsageError("--bot-id, --sub-code, --force and --metadata go with --event <type>.");
  }
  if (file === undefined) {
    throw new UsageError("Nothing to sign: give a file, - for standard input, or --event <type> (e.g. --event bot.done).");
  }
  const bytes = await readInput(file, ctx);
  const text = bytes.toString("utf8");
  if (!Buffer.from(text, "utf8").equals(bytes)) {
    throw new UsageError(`${file} is not valid UTF-8: svix signs text, so its bytes cannot be signed exactly. Re-save it as UTF-8.`);
  }
  return text;
}

/** Unix seconds reach 10^11 in the year 5138; a value that large is a timestamp in milliseconds. */
const MILLISECONDS_FROM = 100_000_000_000;

/** simulate's sub-code check; only sign has --force, for codes newer than the catalog. */
function checkSignSubCode(event: string, subCode: string, force: boolean): void {
  try {
    checkSubCode(event, subCode, { allowUnknown: force });
  } catch (error) {
    if (!isRecallHooksError(error) || error.code !== "E_SUB_CODE_UNKNOWN") throw error;
    const what = error.message.replace(/\.$/, "");
    throw new UsageError(error.details["documented"] === false
      ? `${what}: pass --force to send it anyway.`
      : `${what}: run \`recall-hooks events ${event}\` for the list, or pass --force to send it anyway.`, { cause: error });
  }
}

function printSigned(signed: SignedRequest, format: string, url: () => URL, reporter: Awaited<ReturnType<typeof reporterFor>>): void {
  switch (format) {
    case "json":
      reporter.record(signedRecord(signed));
      return;
    case "curl":
      reporter.data(renderCurl(signed, url()));
      return;
    case "http":
      reporter.data(renderHttp(signed, url()));
      return;
    default:
      reporter.lines(renderSignedHeaders(signed));
  }
}

/** `sign --format json`: the request as signed; body is the exact signed string. */