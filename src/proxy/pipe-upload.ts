// Streams a client's upload into the upstream request chunk by chunk, with backpressure and
// the body-size limit enforced as bytes arrive.
import type { Readable, Writable } from 'node:stream';

/** Copies the client's body into an upstream request, counting against a limit. */
export function pipeRequest(
  src: Readable,
  dst: Writable,
  budget: { received: number; readonly limitBytes: number },
  onOverLimit: () => void,
  onBroken: () => void,
): void {
  const cleanup = (): void => {
    src.off('data', onData);
    src.off('end', onEnd);
    src.off('error', onError);
    src.off('close', onError);
    dst.off('drain', onDrain);
  };
  const onData = (chunk: Buffer): void => {
    budget.received += chunk.length;
    if (budget.received > budget.limitBytes) {
      cleanup();
      src.pause();
      onOverLimit();
      return;
    }
    if (!dst.write(chunk)) src.pause();
  };
  const onDrain = (): void => {
    src.resume();
  };
  const onEnd = (): void => {
    cleanup();
    dst.end();
  };
  const onError = (): void => {
    cleanup();
    onBroken();
  };
  src.on('data', onData);
  src.on('end', onEnd);
  src.on('error', onError);
  src.on('close', onError);
  dst.on('drain', onDrain);
  src.resume();
}
