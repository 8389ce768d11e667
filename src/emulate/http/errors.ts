// Recall's error answers (recall-api.md §2): DRF's `{"detail": ...}`, field maps for validation, and
// `{"code", "detail"}` for state errors. Thrown by handlers, written by the server.

export class ApiError extends Error {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, body: unknown, headers: Readonly<Record<string, string>> = {}) {
    super(`HTTP ${status}`);
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

/** 400 with DRF's map of field to messages. */
export const fieldErrors = (errors: Record<string, unknown>): ApiError => new ApiError(400, errors);

/** 400 for a request the bot's state refuses (update_bot_failed, cannot_command_completed_bot, ...). */
export const stateError = (code: string, detail: string): ApiError => new ApiError(400, { code, detail });

export const notFound = (): ApiError => new ApiError(404, { detail: "Not found." });

export const methodNotAllowed = (method: string, allow: readonly string[]): ApiError =>
  new ApiError(405, { detail: `Method "${method}" not allowed.` }, { allow: allow.join(", ") });

export const notAuthenticated = (): ApiError =>
  new ApiError(401, { code: "not_authenticated", detail: "Authentication credentials were not provided." }, { "www-authenticate": "Token" });

export const invalidToken = (): ApiError =>
  new ApiError(401, { code: "authentication_failed", detail: "Invalid API token." }, { "www-authenticate": "Token" });

export const throttled = (seconds: number): ApiError =>
  new ApiError(429, { detail: `Request was throttled. Expected available in ${seconds} second${seconds === 1 ? "" : "s"}.` }, { "retry-after": String(seconds) });

/** 507: the ad-hoc bot pool is empty; Recall says to retry every 30 s. */
export const poolEmpty = (seconds = 30): ApiError =>
  new ApiError(507, { code: "insufficient_bots", detail: `No ad-hoc bots are available right now: retry in ${seconds} seconds, or schedule the bot with join_at more than 10 minutes ahead.` }, { "retry-after": String(seconds) });

/** An injected failure other than 507 and 429 (402, 500, 502, 503, ...). */
export const injected = (status: number): ApiError => {
  if (status === 507) return poolEmpty();
  if (status === 429) return throttled(30);
  if (status === 402) return new ApiError(402, { code: "payment_required", detail: "Your account has run out of credit: add credit in the dashboard." });
  return new ApiError(status, { detail: status >= 500 ? "Server error, please retry." : "Request failed." });
};
