/**
 * One error taxonomy. Every error the tool raises on purpose is a RecallHooksError with a stable
 * `code`; only src/cli.ts turns `exitCode` into the process's exit status.
 */
export class RecallHooksError extends Error {
  readonly code: string;
  readonly exitCode: number;

  constructor(code: string, message: string, exitCode: number, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** The user asked for something that cannot work as asked; the message carries the fix. Exit 2. */
export class UsageError extends RecallHooksError {
  constructor(message: string, options?: ErrorOptions & { code?: string }) {
    super(options?.code ?? "E_USAGE", message, 2, options);
  }
}

/** The work ran and failed (a target answered non-2xx, a delivery was lost). Exit 1. */
export class FailureError extends RecallHooksError {
  constructor(message: string, options?: ErrorOptions & { code?: string }) {
    super(options?.code ?? "E_FAILED", message, 1, options);
  }
}

/** A signature check failed; `reason` names which check. Exit 1. */
export type VerificationReason =
  | "missing_headers"
  | "malformed_headers"
  | "bad_secret"
  | "no_matching_signature"
  | "timestamp_too_old"
  | "timestamp_too_new"
  | "body_changed";

export class VerificationError extends RecallHooksError {
  readonly reason: VerificationReason;

  constructor(reason: VerificationReason, message: string) {
    super(`E_VERIFY_${reason.toUpperCase()}`, message, 1);
    this.reason = reason;
  }
}

/** Ctrl-C: the command stopped cleanly on the user's request. Exit 130. */
export class InterruptedError extends RecallHooksError {
  constructor(message = "Interrupted.") {
    super("E_INTERRUPTED", message, 130);
  }
}

export function isRecallHooksError(error: unknown): error is RecallHooksError {
  return error instanceof RecallHooksError;
}
