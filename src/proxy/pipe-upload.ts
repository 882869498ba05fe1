// Streams a client's upload into the upstream request chunk by chunk, with backpressure, the
// body-size limit enforced as bytes arrive and the body's deadline (requestBodyTimeout) running
// only while the upstream takes bytes: an upstream that is not reading is not the client's fault.
import type { Readable, Writable } from 'node:stream';
import { abortedError, type SwapgateError } from '../shared/errors.js';
import type { StreamedBody } from './forward-spec.js';
import { bodyTooLarge } from './proxy-errors.js';

/**
 * Copies the rest of the client's body into an upstream request, counting against the limit;
 * `onFailed` gets a 413 (over the limit), a 408 (deadline) or an abort (the client went away).
 */
export function pipeRequest(src: Readable, dst: Writable, body: StreamedBody, onFailed: (error: SwapgateError) => void): void {
  const { deadline, limitBytes } = body;
  let received = body.received;
  const cleanup = (): void => {
    deadline.stop();
    src.off('data', onData);
    src.off('end', onEnd);
    src.off('error', onError);
    src.off('close', onError);
    dst.off('drain', onDrain);
  };
  const stopWith = (error: SwapgateError): void => {
    cleanup();
    src.pause();
    onFailed(error);
  };
  const timer = { onBodyDeadline: (): void => stopWith(deadline.error) };
  const onData = (chunk: Buffer): void => {
    if (dst.destroyed) return cleanup(); // the forward failed: the rest is not ours any more
    received += chunk.length;
    if (received > limitBytes) return stopWith(bodyTooLarge(limitBytes));
    if (dst.write(chunk)) return;
    src.pause();
    deadline.pause();
  };
  const onDrain = (): void => {
    deadline.run(timer);
    src.resume();
  };
  const onEnd = (): void => {
    cleanup();
    dst.end();
  };
  const onError = (): void => {
    cleanup();
    onFailed(abortedError('request body'));
  };
  src.on('data', onData);
  src.on('end', onEnd);
  src.on('error', onError);
  src.on('close', onError);
  dst.on('drain', onDrain);
  deadline.run(timer);
  src.resume();
}
