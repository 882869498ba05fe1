// Listens with node:http: the proxied routes go straight to the pipeline (serveDirect), every
// other request through @hono/node-server to the hono app. close() stops accepting, lets
// requests in flight finish for up to graceMs, then cuts whatever is left (long log streams,
// stuck upstreams).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { NodeBindings } from './app-env.js';

/** What a server serves (a SwapgateApp, or one that forwards to the current generation's). */
export interface FetchApp {
  fetch(request: Request, env: NodeBindings): Response | Promise<Response>;
  /** Takes the request when it is one of the proxied routes; false hands it to fetch. */
  serveDirect?(incoming: IncomingMessage, outgoing: ServerResponse): boolean;
}

export interface ServerOptions {
  readonly host: string;
  /** 0 binds an ephemeral port; read it back from the result. */
  readonly port: number;
}

export interface RunningServer {
  readonly port: number;
  readonly server: Server;
  /** Serves new requests with another app (config reload); requests in flight finish on the old one. */
  replaceApp(app: FetchApp): void;
  close(options?: { graceMs?: number }): Promise<void>;
}

export async function startServer(app: FetchApp, options: ServerOptions): Promise<RunningServer> {
  let current = app;
  // Bodies are read (or deliberately left) by the routes themselves.
  const viaHono = getRequestListener((request, env) => current.fetch(request, env as NodeBindings), { autoCleanupIncoming: false });
  const server = createServer((incoming, outgoing) => {
    if (current.serveDirect?.(incoming, outgoing) !== true) void viaHono(incoming, outgoing);
  });
  // Clients (and UIs polling /running) keep connections open between requests.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    server,
    replaceApp: (next) => {
      current = next;
    },
    close: ({ graceMs = 0 } = {}) =>
      new Promise<void>((resolve) => {
        // A connection whose response ends from now on (a live log stream that just ended, a
        // slow answer) is kept alive only this long, so it does not hold the close.
        server.keepAliveTimeout = 1;
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
