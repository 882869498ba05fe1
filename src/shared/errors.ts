// Every error swapgate itself produces carries a literal code, an HTTP status and a cause,
// so callers branch on fields and the server can write an OpenAI-shaped body from it.

export type ErrorCode =
  | 'config_invalid'
  | 'bad_request'
  | 'model_missing'
  | 'model_not_found'
  | 'unauthorized'
  | 'forbidden'
  | 'conflict'
  | 'body_too_large'
  | 'request_timeout'
  | 'headers_too_large'
  | 'concurrency_limit'
  | 'rate_limited'
  | 'policy_violation'
  | 'upstream_start_failed'
  | 'upstream_unreachable'
  | 'upstream_died'
  | 'upstream_timeout'
  | 'shutting_down'
  | 'model_unloaded'
  | 'aborted'
  | 'internal';

export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'policy_violation'
  | 'upstream_error'
  | 'server_error';

export interface SwapgateErrorOptions {
  readonly status: number;
  readonly type: ErrorType;
  readonly cause?: unknown;
  readonly param?: string | null;
  /** Seconds, for 429/503 answers. */
  readonly retryAfterSec?: number;
  /** Extra fields merged into the JSON error object (e.g. policy id). */
  readonly details?: Readonly<Record<string, unknown>>;
}

export class SwapgateError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly type: ErrorType;
  readonly param: string | null;
  readonly retryAfterSec: number | undefined;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, options: SwapgateErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SwapgateError';
    this.code = code;
    this.status = options.status;
    this.type = options.type;
    this.param = options.param ?? null;
    this.retryAfterSec = options.retryAfterSec;
    this.details = options.details ?? {};
  }
}

export function isSwapgateError(value: unknown): value is SwapgateError {
  return value instanceof SwapgateError;
}

/** Why an upstream failed to start or died: fields to branch on, plus the log tail for humans. */
export interface UpstreamFailure {
  readonly modelId: string;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly durationMs: number;
  readonly logTail: readonly string[];
}

export function upstreamStartError(failure: UpstreamFailure, cause?: unknown): SwapgateError {
  const how = failure.timedOut
    ? `did not become healthy within ${failure.durationMs} ms`
    : `exited during start (code ${failure.exitCode ?? 'none'}, signal ${failure.signal ?? 'none'}) after ${failure.durationMs} ms`;
  const tail = failure.logTail.length > 0 ? `\nlast log lines:\n${failure.logTail.join('\n')}` : '';
  return new SwapgateError('upstream_start_failed', `model "${failure.modelId}" ${how}${tail}`, {
    status: failure.timedOut ? 504 : 502,
    type: 'upstream_error',
    cause,
    details: {
      model: failure.modelId,
      exit_code: failure.exitCode,
      signal: failure.signal,
      timed_out: failure.timedOut,
    },
  });
}

export function abortedError(what: string): SwapgateError {
  return new SwapgateError('aborted', `${what} was aborted`, { status: 499, type: 'invalid_request_error' });
}

export function shuttingDownError(): SwapgateError {
  return new SwapgateError('shutting_down', 'swapgate is shutting down', {
    status: 503,
    type: 'server_error',
    retryAfterSec: 5,
  });
}

/** The body of every error swapgate answers with: OpenAI's shape, tagged so clients can tell it from an upstream's. */
export function formatErrorBody(error: SwapgateError): string {
  return JSON.stringify({
    error: { message: error.message, type: error.type, code: error.code, param: error.param, ...error.details },
    src: 'swapgate',
  });
}
