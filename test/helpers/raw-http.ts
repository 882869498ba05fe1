// HTTP/1.1 over a bare socket, for what fetch cannot do: send a body slowly or not at all, send
// malformed requests, see a "100 Continue" or "Connection: close". Responses are parsed as they
// arrive (Content-Length bodies only, which is what swapgate's own errors use).
import { connect, type Socket } from 'node:net';

export interface RawResponse {
  readonly status: number;
  /** Lower-cased names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface RawConnection {
  readonly socket: Socket;
  write(data: string | Buffer): void;
  /** Resolves with the n-th response (0-based, interim 1xx ones included). */
  response(index?: number): Promise<RawResponse>;
  /** Every response parsed so far. */
  readonly responses: readonly RawResponse[];
  /** Resolves when the server closed (or reset) the connection. */
  readonly closed: Promise<void>;
}

export function openRaw(port: number): Promise<RawConnection> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined); // a reset shows as `closed`
  const responses: RawResponse[] = [];
  const waiters: { index: number; resolve: (r: RawResponse) => void }[] = [];
  let pending = Buffer.alloc(0);
  const parse = (): void => {
    for (;;) {
      const end = pending.indexOf('\r\n\r\n');
      if (end < 0) return;
      const lines = pending.subarray(0, end).toString('latin1').split('\r\n');
      const status = Number(lines[0]?.split(' ')[1]);
      const headers: Record<string, string> = {};
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const length = status < 200 ? 0 : Number(headers['content-length'] ?? 0);
      if (pending.length < end + 4 + length) return;
      const body = pending.subarray(end + 4, end + 4 + length).toString('utf8');
      pending = pending.subarray(end + 4 + length);
      responses.push({ status, headers, body });
      for (const waiter of waiters.filter((w) => w.index < responses.length)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(responses[waiter.index] as RawResponse);
      }
    }
  };
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    parse();
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const connection: RawConnection = {
    socket,
    write: (data) => void socket.write(data),
    response: (index = 0) =>
      new Promise((resolve, reject) => {
        const known = responses[index];
        if (known !== undefined) return resolve(known);
        waiters.push({ index, resolve });
        void closed.then(() => reject(new Error(`connection closed after ${responses.length} response(s), ${pending.length} unparsed bytes`)));
      }),
    responses,
    closed,
  };
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(connection));
    socket.once('error', reject);
  });
}

/** A request head (request line and headers) with the blank line that ends it. */
export function head(method: string, target: string, headers: Readonly<Record<string, string | number>> = {}): string {
  const lines = [`${method} ${target} HTTP/1.1`, 'Host: swapgate', ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
  return `${lines.join('\r\n')}\r\n\r\n`;
}
