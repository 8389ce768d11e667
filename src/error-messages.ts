import { join } from "node:path";
import type { ErrorCode, RecallHooksError } from "./errors.js";

/**
 * What a user of the command line reads for each error code, and the exit status. The core words
 * its errors in the domain's terms; this adds the flag or command that fixes them. Codes missing
 * here print the core's message as it is. Only src/cli.ts uses this.
 */
const SECRET_SOURCE = "The secret from --secret/RECALL_WEBHOOK_SECRET";
const NEW_SECRET = ", or run `recall-hooks secret` for a new one.";

const MESSAGES: Partial<Record<ErrorCode, (error: RecallHooksError) => string>> = {
  E_SECRET_EMPTY: (e) => secret(e.message),
  E_SECRET_NOT_BASE64: (e) => secret(e.message),
  E_SECRET_NO_BYTES: (e) => secret(e.message),
  E_EVENT_UNKNOWN: (e) => `${e.message.replace(/\.$/, "")}: run \`recall-hooks events\` to see the known ones.`,
  E_SCENARIO_UNKNOWN: (e) => `${e.message.replace(/\.$/, "")} (see \`recall-hooks simulate lifecycle --list\`).`,
  E_SCENARIO_FIXED: (e) => `${e.message.replace(/\.$/, "")}: try --scenario fatal.`,
  E_SUB_CODE_UNKNOWN: (e) => (e.details["documented"] === false ? e.message : subCodeList(e)),
  E_SUB_CODE_OTHER: (e) => subCodeList(e),
  E_SCENARIO_FILE: (e) => `--scenario-file ${e.message}`,
  E_INPUT_MISSING: (e) => `${e.message} Check the path, or run \`recall-hooks events\` for the event types.`,
  E_JOURNAL_IS_FOLDER: (e) => `--save ${String(e.details["path"])} is a folder: give a file in it, for example --save ${join(String(e.details["path"]), "journal.jsonl")}, or pass --no-save.`,
  E_JOURNAL_PARENT_NOT_FOLDER: (e) => `--save ${String(e.details["path"])}: ${String(e.details["at"])} is a file, not a folder: give a path whose folders are folders, or pass --no-save.`,
  E_JOURNAL_NOT_WRITABLE: (e) => `--save ${String(e.details["path"])}: cannot write to ${String(e.details["at"])} (no permission): give a path in a folder you can write to, or pass --no-save.`,
  E_STATE_FILE: (e) => `--state ${e.message.replace(/\.$/, "")}: pass another file, or move this one away.`,
  E_CAPTURE_BARE_BODY: (e) => `${String(e.details["input"])} has no "headers" and "body": for a bare body, pass its signature headers with --header "webhook-id: ..." (three times).`,
};

/** Exit statuses other than 2 (a usage error: the input or the options cannot work as given). */
const EXIT_CODES: Partial<Record<ErrorCode, number>> = {};

export function describeError(error: RecallHooksError): { readonly message: string; readonly exitCode: number } {
  return { message: MESSAGES[error.code]?.(error) ?? error.message, exitCode: EXIT_CODES[error.code] ?? 2 };
}

function subCodeList(e: RecallHooksError): string {
  return `${e.message.replace(/\.$/, "")}: run \`recall-hooks events ${String(e.details["event"])}\` for the list.`;
}

function secret(message: string): string {
  return `${message.replace(/^The secret/, SECRET_SOURCE).replace(/\.$/, "")}${NEW_SECRET}`;
}
