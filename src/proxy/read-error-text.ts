// The body of an upstream's error answer, read up to a bound, for the error the client gets.
import type { IncomingMessage } from 'node:http';

const ERROR_BODY_LIMIT = 4096;

export function readErrorText(res: IncomingMessage, done: (text: string) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  res.on('data', (chunk: Buffer) => {
    if (size < ERROR_BODY_LIMIT) chunks.push(chunk);
    size += chunk.length;
  });
  let over = false;
  const end = (): void => {
    if (over) return;
    over = true;
    done(Buffer.concat(chunks).toString('utf8').slice(0, ERROR_BODY_LIMIT));
  };
  res.once('end', end);
  res.once('error', end);
}
