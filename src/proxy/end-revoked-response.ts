// A forwarded response whose lease the supervisor took back after the head went out (its model
// is being stopped): an event stream ends cleanly with an error event and [DONE], a held answer
// gets the error instead, anything else is cut.
import type { IncomingMessage } from 'node:http';
import type { SwapgateError } from '../shared/errors.js';
import type { Exchange } from './exchange.js';
import { formatSseError } from './loading-state.js';
import type { TransformedResponse } from './transformed-response.js';

/** continued: the client's head came from a loading-state stream (an event stream). */
export function endRevokedResponse(
  exchange: Exchange,
  upstream: IncomingMessage,
  continued: boolean,
  transformed: TransformedResponse | null,
  error: SwapgateError,
): void {
  const out = exchange.outgoing;
  const eventStream = continued || (upstream.headers['content-type'] ?? '').startsWith('text/event-stream');
  if (eventStream && out.headersSent) {
    if (out.destroyed || out.writableEnded) return;
    exchange.complete(formatSseError(error));
  } else if (transformed !== null) transformed.breakOff(error);
  else out.destroy();
}
