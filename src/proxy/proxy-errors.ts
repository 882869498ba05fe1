// Factories for every error the server layer itself raises; onError turns them into bodies.
import { SwapgateError } from '../shared/errors.js';

export function badRequest(message: string, param: string | null = null, cause?: unknown): SwapgateError {
  return new SwapgateError('bad_request', message, { status: 400, type: 'invalid_request_error', param, cause });
}

export function routeNotFound(method: string, path: string): SwapgateError {
  return new SwapgateError('bad_request', `no route for ${method} ${path}`, { status: 404, type: 'not_found_error' });
}

function listIds(available: readonly string[]): string {
  return available.length > 0 ? available.map((id) => `"${id}"`).join(', ') : '(none)';
}

export function modelMissing(where: string, available: readonly string[]): SwapgateError {
  return new SwapgateError('model_missing', `missing "model" in the ${where}; available models: ${listIds(available)}`, {
    status: 400,
    type: 'invalid_request_error',
  });
}

export function modelNotFound(name: string, available: readonly string[]): SwapgateError {
  return new SwapgateError('model_not_found', `model "${name}" not found; available models: ${listIds(available)}`, {
    status: 404,
    type: 'not_found_error',
    details: { available },
  });
}

export function bodyTooLarge(limitBytes: number): SwapgateError {
  return new SwapgateError('body_too_large', `request body exceeds the limit of ${limitBytes} bytes`, {
    status: 413,
    type: 'invalid_request_error',
    details: { limit_bytes: limitBytes },
  });
}

/** 408: the request body did not arrive within requestBodyTimeout. */
export function requestTimeout(timeoutMs: number): SwapgateError {
  return new SwapgateError('request_timeout', `request body not received within ${timeoutMs} ms`, {
    status: 408,
    type: 'invalid_request_error',
    details: { timeout_ms: timeoutMs },
  });
}

export function unauthorized(reason: string): SwapgateError {
  return new SwapgateError('unauthorized', reason, { status: 401, type: 'authentication_error' });
}

/** Connection refused / reset / died while forwarding; the log tail tells the operator why. */
export function upstreamFailed(modelId: string, logTail: readonly string[], cause: unknown): SwapgateError {
  const code = errorCodeOf(cause);
  const refused = code === 'ECONNREFUSED';
  const tail = logTail.length > 0 ? `\nlast log lines:\n${logTail.join('\n')}` : '';
  const what = refused ? 'refused the connection' : `failed while forwarding (${code ?? describe(cause)})`;
  return new SwapgateError(refused ? 'upstream_unreachable' : 'upstream_died', `upstream of model "${modelId}" ${what}${tail}`, {
    status: 502,
    type: 'upstream_error',
    cause,
    details: { model: modelId },
  });
}

export function upstreamTimeout(modelId: string, timeoutMs: number): SwapgateError {
  return new SwapgateError('upstream_timeout', `upstream of model "${modelId}" sent nothing for ${timeoutMs} ms`, {
    status: 504,
    type: 'upstream_error',
    details: { model: modelId, timeout_ms: timeoutMs },
  });
}

/** An upstream error status received after a loading-state stream already sent 200. */
export function upstreamStatus(modelId: string, status: number, body: string): SwapgateError {
  return new SwapgateError('upstream_died', `upstream of model "${modelId}" answered ${status}: ${body}`, {
    status: 502,
    type: 'upstream_error',
    details: { model: modelId, upstream_status: status },
  });
}

export function internalError(cause: unknown): SwapgateError {
  return new SwapgateError('internal', `internal error: ${describe(cause)}`, { status: 500, type: 'server_error', cause });
}

export function errorCodeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** 502: the upstream broke off while its (held) answer was still arriving. */
export function brokenOffError(): SwapgateError {
  return new SwapgateError('upstream_died', 'the upstream response broke off before it was complete', { status: 502, type: 'upstream_error' });
}
