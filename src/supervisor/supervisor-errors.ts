// Errors the supervisor itself produces on top of the shared ones.
import { SwapgateError } from '../shared/errors.js';

export function modelNotFoundError(modelId: string, available: readonly string[]): SwapgateError {
  const list = available.length > 0 ? available.map((id) => `"${id}"`).join(', ') : '(none)';
  return new SwapgateError('model_not_found', `model "${modelId}" is not configured; available: ${list}`, {
    status: 404,
    type: 'not_found_error',
    param: 'model',
    details: { model: modelId },
  });
}

export function concurrencyLimitError(modelId: string, limit: number): SwapgateError {
  return new SwapgateError(
    'concurrency_limit',
    `model "${modelId}" already has ${limit} requests in flight or waiting (concurrencyLimit ${limit})`,
    { status: 429, type: 'rate_limit_error', retryAfterSec: 1, details: { model: modelId, limit } },
  );
}

/** A broken promise between layers (e.g. a ready process without a base URL). */
export function internalError(message: string, cause?: unknown): SwapgateError {
  return new SwapgateError('internal', message, { status: 500, type: 'server_error', cause });
}

/** A request still in flight when its model's drain deadline (unloadTimeout) passed during a stop. */
export function modelUnloadedError(modelId: string, reason: string, unloadTimeoutMs: number): SwapgateError {
  return new SwapgateError(
    'model_unloaded',
    `model "${modelId}" was stopped (${reason}) while this request was in flight: it did not finish within unloadTimeout (${unloadTimeoutMs / 1000} s)`,
    { status: 503, type: 'server_error', retryAfterSec: 1, details: { model: modelId, reason } },
  );
}
