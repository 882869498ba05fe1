// An error answered while the request body is still arriving: the rest is read and thrown
// away, so a client that reads the answer only once it has sent everything (most HTTP client
// libraries) gets it; closing at once would make its writes fail with EPIPE/ECONNRESET before it
// reads a byte. Bounded in bytes and time; past either bound the connection is closed. The
// connection stays usable (keep-alive) when the rest arrives in time.
import type { IncomingMessage } from 'node:http';

export const DISCARD_MAX_BYTES = 64 * 1024 * 1024;
export const DISCARD_MAX_MS = 30_000;

export function discardBody(incoming: IncomingMessage, maxBytes = DISCARD_MAX_BYTES, maxMs = DISCARD_MAX_MS): void {
  let left = maxBytes;
  const stop = (): void => {
    clearTimeout(timer);
    incoming.off('data', onData);
    incoming.off('end', stop);
    incoming.off('close', stop);
  };
  const cut = (): void => {
    stop();
    incoming.socket.destroy();
  };
  const onData = (chunk: Buffer): void => {
    left -= chunk.length;
    if (left < 0) cut();
  };
  const timer = setTimeout(cut, maxMs);
  timer.unref();
  incoming.on('data', onData);
  incoming.once('end', stop);
  incoming.once('close', stop);
  incoming.resume();
}

/** The request declared a body that has not been read to its end. */
export function isBodyArriving(incoming: IncomingMessage): boolean {
  const { headers } = incoming;
  const declared = headers['transfer-encoding'] !== undefined || (headers['content-length'] !== undefined && headers['content-length'] !== '0');
  return declared && !incoming.readableEnded && !incoming.destroyed;
}
