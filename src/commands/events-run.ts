import { UsageError } from "../errors.js";
import { BOT_CODES, EVENTS, SUB_CODES, eventsMatching, findCode, findEvent, subCodesFor, subCodesOfEvent } from "../recall/catalog.js";
import { TRANSITIONS } from "../recall/lifecycle.js";
import { renderEventTable, renderSubCodes } from "../output/catalog.js";
import { catalogRecord, codeRecord, eventsRecord } from "../output/records.js";
import { type CommandContext, reporterFor } from "./context.js";

export async function runEvents(name: string | undefined, options: { json?: boolean }, ctx: CommandContext): Promise<number> {
  const reporter = await reporterFor(ctx, options.json === true);
  if (name === undefined) {
    if (reporter.json) reporter.record(catalogRecord({ events: EVENTS, codes: BOT_CODES, subCodes: SUB_CODES, transitions: TRANSITIONS }));
    else reporter.lines(renderEventTable(EVENTS, reporter.out));
    return 0;
  }
  const event = findEvent(name);
  if (event) {
    const subCodes = subCodesOfEvent(event);
    if (reporter.json) reporter.record(eventsRecord([event], subCodes));
    else {
      reporter.lines(renderEventTable([event], reporter.out));
      if (subCodes.length > 0) reporter.lines(renderSubCodes(subCodes, reporter.out));
    }
    return 0;
  }
  if (name.includes("*")) {
    const matched = eventsMatching(name);
    if (matched.length === 0) throw new UsageError(`No event type matches "${name}": run \`recall-hooks events\` for the list.`);
    if (reporter.json) reporter.record(eventsRecord(matched));
    else reporter.lines(renderEventTable(matched, reporter.out));
    return 0;
  }
  const code = findCode(name);
  const subCodes = SUB_CODES.filter((s) => s.subCode === name);
  const ofCode = code ? subCodesFor(name) : [];
  if (!code && subCodes.length === 0) {
    throw new UsageError(`"${name}" is not an event type, status code or sub code Recall documents: run \`recall-hooks events\` for the list.`);
  }
  if (reporter.json) reporter.record(codeRecord(code ?? null, code ? ofCode : subCodes));
  else {
    if (code) reporter.data(`${reporter.out.bold(code.code)}  ${code.description}${code.basis === "documented" ? "" : reporter.out.dim(` (${code.basis})`)}`);
    const list = code ? ofCode : subCodes;
    if (list.length > 0) reporter.lines(renderSubCodes(list, reporter.out));
  }
  return 0;
}
