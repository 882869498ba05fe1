// The one writer of error responses: anything thrown on a request becomes an OpenAI-shaped body
// tagged "src":"swapgate" with the right status and headers. After the head went out, all that
// is left is to cut the response short.
import type { OutgoingHttpHeaders } from 'node:http';
import { formatErrorBody, isSwapgateError, type SwapgateError } from '../shared/errors.js';
import { discardBody, isBodyArriving } from './discard-body.js';
import type { Exchange } from './exchange.js';
import { internalError } from './proxy-errors.js';

export function toSwapgateError(thrown: unknown): SwapgateError {
  return isSwapgateError(thrown) ? thrown : internalError(thrown);
}

export function getErrorHeaders(error: SwapgateError): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (error.retryAfterSec !== undefined) headers['retry-after'] = String(Math.max(0, Math.ceil(error.retryAfterSec)));
  if (error.status === 401) headers['www-authenticate'] = 'Bearer realm="swapgate"';
  return headers;
}

/** An error answer as it will be sent (a flushed refusal is recorded with its length first). */
export interface RenderedError {
  readonly error: SwapgateError;
  readonly status: number;
  readonly body: string;
  readonly bytes: number;
}

export function renderError(thrown: unknown): RenderedError {
  const error = toSwapgateError(thrown);
  const body = formatErrorBody(error);
  return { error, status: error.status, body, bytes: Buffer.byteLength(body) };
}

export function writeError(exchange: Exchange, thrown: unknown): void {
  const out = exchange.outgoing;
  if (out.headersSent) {
    out.destroy();
    return;
  }
  if (out.destroyed || out.writableEnded) return;
  sendError(exchange, renderError(thrown));
}

/** Sends an error already rendered (unless the response is over or under way). */
export function sendError(exchange: Exchange, rendered: RenderedError): void {
  const out = exchange.outgoing;
  if (out.headersSent || out.destroyed || out.writableEnded) return;
  const headers: OutgoingHttpHeaders = { ...exchange.responseHeaders, ...getErrorHeaders(rendered.error) };
  headers['content-length'] = rendered.bytes;
  // The body is still arriving: a sender too slow for its deadline is cut off; anyone else has
  // the rest read and thrown away (bounded) so that it can read this answer (an oversized upload).
  if (isBodyArriving(exchange.incoming)) {
    if (rendered.error.code === 'request_timeout') headers.connection = 'close';
    else discardBody(exchange.incoming);
  }
  out.writeHead(rendered.status, headers);
  exchange.complete(rendered.body);
}
