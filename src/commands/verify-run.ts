import { UsageError } from "../errors.js";
import { verifyRecord } from "../output/records.js";
import { renderVerdict } from "../output/verdict.js";
import { Signer } from "../webhook/sign.js";
import { verify, type VerifyResult } from "../webhook/verify.js";
import { type CommandContext, reporterFor } from "./context.js";
import { parseHeaderArgs, readInput, requireSecret } from "./options.js";
import { readCaptures } from "../deliveries/capture.js";
import { describeSkipped } from "../output/format.js";

export interface VerifyCommandOptions {
  secret?: string;
  header?: string[];
  tolerance: number;
  ignoreTimestamp?: boolean;
  now?: number;
  json?: boolean;
}

export async function runVerify(given: string | undefined, options: VerifyCommandOptions, ctx: CommandContext): Promise<number> {
  const reporter = await reporterFor(ctx, options.json === true);
  const signer = new Signer(requireSecret(options.secret, (w) => reporter.warn(w)));
  const file = given ?? "-";
  // Without a file, verify reads stdin; on a terminal that looks like a hang unless we say so.
  if (given === undefined && ctx.stdin.isTTY === true) reporter.info("Reading the delivery from stdin (Ctrl-D to end; pass a file or - to skip this note)...");
  const bytes = await readInput(file, ctx);
  const { captures, skipped } = options.header
    ? { captures: [{ headers: parseHeaderArgs(options.header), body: bytes, label: file, receivedAt: null }], skipped: [] }
    : readCaptures(bytes, file);
  if (skipped.length > 0) reporter.warn(describeSkipped(file, skipped));
  if (captures.length === 0) throw new UsageError(`${file === "-" ? "Standard input" : file} holds no delivery to verify: give a capture {"headers", "body"}, journal lines, or a raw body with --header.`);
  let invalid = 0;
  for (const capture of captures) {
    // A journal's timestamps are judged when the listener got them, so yesterday's journal still
    // verifies; --now judges every one at the time given.
    const at = options.now !== undefined ? options.now * 1000 : capture.receivedAt;
    const now = at !== null ? () => at : ctx.now;
    const result: VerifyResult = verify({
      secret: signer,
      headers: capture.headers,
      body: capture.body,
      toleranceSeconds: options.tolerance,
      ignoreTimestamp: options.ignoreTimestamp === true,
      now,
    });
    if (!result.valid) invalid += 1;
    if (reporter.json) {
      reporter.record(verifyRecord(result));
    } else {
      reporter.data(renderVerdict(result, captures.length > 1 ? capture.label : null, reporter.out));
    }
  }
  if (!reporter.json && captures.length > 1) reporter.info(`${captures.length - invalid} of ${captures.length} valid`);
  return invalid === 0 ? 0 : 1;
}
