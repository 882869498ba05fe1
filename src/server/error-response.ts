// The one place proxy-made errors become responses: an OpenAI-shaped body tagged
// "src":"swapgate", so clients can tell our errors from an upstream's.
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { isSwapgateError, type SwapgateError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { getNodeBindings, type AppEnv } from './app-env.js';
import { internalError, routeNotFound } from './http-errors.js';

export function formatErrorBody(error: SwapgateError): string {
  return JSON.stringify({
    error: { message: error.message, type: error.type, code: error.code, param: error.param, ...error.details },
    src: 'swapgate',
  });
}

export function getErrorHeaders(error: SwapgateError): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (error.retryAfterSec !== undefined) headers['retry-after'] = String(Math.max(0, Math.ceil(error.retryAfterSec)));
  if (error.status === 401) headers['www-authenticate'] = 'Bearer realm="swapgate"';
  // The rest of an oversized upload is not worth reading; close instead of draining it.
  if (error.status === 413) headers.connection = 'close';
  return headers;
}

export function createErrorHandler(logger: Logger): ErrorHandler<AppEnv> {
  return function onError(thrown, c) {
    const error = isSwapgateError(thrown) ? thrown : internalError(thrown);
    const state = c.get('state') as AppEnv['Variables']['state'] | undefined;
    const log = state?.log ?? logger;
    if (error.status >= 500) log.error({ err: thrown, code: error.code }, error.message);
    return respondWithError(c, error);
  };
}

export function createNotFoundHandler(): NotFoundHandler<AppEnv> {
  return function notFound(c) {
    return respondWithError(c, routeNotFound(c.req.method, c.req.path));
  };
}

function respondWithError(c: Context<AppEnv>, error: SwapgateError): Response {
  const node = getNodeBindings(c);
  // Headers already went out (a stream broke mid-way): all that is left is to cut it.
  if (node?.outgoing.headersSent) {
    node.outgoing.destroy();
    return RESPONSE_ALREADY_SENT;
  }
  const body = formatErrorBody(error);
  const state = c.get('state') as AppEnv['Variables']['state'] | undefined;
  if (state) state.bytes = Buffer.byteLength(body);
  return c.body(body, error.status as ContentfulStatusCode, getErrorHeaders(error));
}
