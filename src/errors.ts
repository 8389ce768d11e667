/**
 * One error class. Everything the tool raises on purpose is a RecallHooksError with a stable `code`
 * and a message in the domain's terms; core modules never name a command-line flag. src/cli.ts
 * alone turns a code into the message a user of the command line reads and into the exit status
 * (src/error-messages.ts).
 */
export type ErrorCode =
  /** The command layer's own usage errors: their message already names the flag and the fix. */
  | "E_USAGE"
  | "E_SECRET_EMPTY"
  | "E_SECRET_NOT_BASE64"
  | "E_SECRET_NO_BYTES"
  | "E_EVENT_UNKNOWN"
  | "E_SCENARIO_UNKNOWN"
  | "E_SCENARIO_FIXED"
  | "E_SUB_CODE_UNKNOWN"
  | "E_SUB_CODE_OTHER"
  | "E_SUB_CODE_NONE"
  | "E_SCENARIO_FILE"
  | "E_INPUT_MISSING"
  | "E_INPUT_UNREADABLE"
  | "E_INPUT_EMPTY_FOLDER"
  | "E_INPUT_NOT_JSON"
  | "E_INPUT_SHAPE"
  | "E_FIXTURE_MISSING"
  | "E_STDIN_UNAVAILABLE"
  | "E_CAPTURE_BARE_BODY"
  | "E_JOURNAL_IS_FOLDER"
  | "E_JOURNAL_PARENT_NOT_FOLDER"
  | "E_JOURNAL_NOT_WRITABLE"
  | "E_CHECK_UNKNOWN"
  /** A meeting script that cannot be streamed (src/realtime/script-parse.ts). */
  | "E_SCRIPT"
  /** The emulator's state file exists but is not one it wrote (src/emulate/persist.ts). */
  | "E_STATE_FILE"
  | InspectorErrorCode;

/**
 * A request from the inspector's page that cannot be carried out (src/inspector/actions.ts): answered
 * to the page as JSON with an HTTP status, never raised to the command line.
 */
export type InspectorErrorCode =
  /** Replay freshly signed, but the inspector was started without the secret. */
  | "E_INSPECT_NO_SECRET"
  /** A replay target that is not a URL, not http(s), or neither configured nor confirmed. */
  | "E_INSPECT_TARGET"
  /** The record asked for has left the inspector's window. */
  | "E_INSPECT_GONE"
  | "E_INSPECT_REQUEST";


export type ErrorDetails = Readonly<Record<string, string | number | boolean | null | readonly string[]>>;

export class RecallHooksError extends Error {
  readonly code: ErrorCode;
  /** What the message is about, for callers that word it their own way (src/error-messages.ts). */
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

/** The command layer's usage error: the message names the flag and says the fix. */
export class UsageError extends RecallHooksError {
  constructor(message: string, options?: ErrorOptions) {
    super("E_USAGE", message, {}, options);
  }
}

export function isRecallHooksError(error: unknown): error is RecallHooksError {
  return error instanceof RecallHooksError;
}
