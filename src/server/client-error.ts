// Requests node's HTTP parser refuses before any route sees them (a bad request line or header,
// headers over the size limit, headers or a body too slow for the server's timeouts) get an
// OpenAI-shaped JSON error and `Connection: close`, never an empty reply or a bare status line.
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { formatErrorBody, SwapgateError } from '../shared/errors.js';

/** What node tells 'clientError' listeners: a parser error (HPE_*), a timeout or a socket error. */
export interface ClientError extends Error {
  readonly code?: string;
}

// Node's own field: the response in progress on this connection, if any (set while one is).
type HttpSocket = Duplex & { readonly _httpMessage?: { readonly headersSent: boolean } | null };

export function describeClientError(error: ClientError): SwapgateError {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return new SwapgateError('headers_too_large', 'request headers are too large', { status: 431, type: 'invalid_request_error' });
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new SwapgateError('request_timeout', 'request not received in time (headersTimeout / requestTimeout)', {
        status: 408,
        type: 'invalid_request_error',
      });
    default:
      return new SwapgateError('bad_request', `malformed HTTP request: ${error.message} (${error.code ?? 'no code'})`, {
        status: 400,
        type: 'invalid_request_error',
      });
  }
}

/** A whole HTTP/1.1 error response for a raw socket, closing the connection. */
export function formatRawErrorResponse(error: SwapgateError): string {
  const body = formatErrorBody(error);
  return (
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? 'Error'}\r\n` +
    'Content-Type: application/json\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    'Connection: close\r\n\r\n' +
    body
  );
}

/** The server's 'clientError' listener. */
export function answerClientError(error: ClientError, socket: Duplex): void {
  const inProgress = (socket as HttpSocket)._httpMessage;
  // A socket error, a second parser error on a connection already answered, or a response
  // already under way (a raw error now would corrupt it): nothing can be said, only closed.
  if (error.code === 'ECONNRESET' || !socket.writable || socket.writableEnded || inProgress?.headersSent === true) {
    socket.destroy();
    return;
  }
  // Flushed, then closed: closing at once can reset the connection before the client reads.
  socket.end(formatRawErrorResponse(describeClientError(error)), () => socket.destroy());
}
