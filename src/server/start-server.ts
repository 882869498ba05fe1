// Listens with node:http: the proxied routes go straight to the pipeline (serveDirect), every
// other request through @hono/node-server to the hono app. close() stops accepting, lets
// requests in flight finish for up to graceMs, then cuts whatever is left (long log streams,
// stuck upstreams).
// HTTP hygiene lives here too: the slowloris bounds below, a JSON answer for whatever node's
// parser refuses (client-error.ts), absolute-form targets reduced to paths (request-target.ts),
// and `Expect: 100-continue` answered 413 (no 100 first) when the declared body is over the limit.
import { createServer, type IncomingMessage, type Server, type ServerOptions as HttpServerOptions, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { formatErrorBody, type SwapgateError } from '../shared/errors.js';
import { badRequest, bodyTooLarge } from '../proxy/proxy-errors.js';
import type { NodeBindings } from './app-env.js';
import { answerClientError } from './client-error.js';
import { toOriginForm } from './request-target.js';

/** What a server serves (a SwapgateApp, or one that forwards to the current generation's). */
export interface FetchApp {
  fetch(request: Request, env: NodeBindings): Response | Promise<Response>;
  /** Takes the request when it is one of the proxied routes; false hands it to fetch. */
  serveDirect?(incoming: IncomingMessage, outgoing: ServerResponse): boolean;
  /** maxRequestBodyMB in bytes: `Expect: 100-continue` over it gets 413 instead of 100. */
  readonly maxRequestBodyBytes?: number;
}

/**
 * Slowloris bounds. Headers must arrive within HEADERS_TIMEOUT_MS of a request's first byte (an
 * idle new connection counts too). The whole request, headers and body, within
 * REQUEST_TIMEOUT_MS: a backstop for bodies no route reads (proxied bodies have the tighter
 * requestBodyTimeout); node measures it up to the request's last byte only, so a long streaming
 * response is never cut by it. Expiry is checked every CONNECTIONS_CHECK_MS.
 */
export const HEADERS_TIMEOUT_MS = 15_000;
export const REQUEST_TIMEOUT_MS = 300_000;
export const CONNECTIONS_CHECK_MS = 1_000;
/** Clients (and UIs polling /running) keep connections open between requests. */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export interface ServerOptions {
  readonly host: string;
  /** 0 binds an ephemeral port; read it back from the result. */
  readonly port: number;
  /** Tests shorten these; the defaults are the constants above. */
  readonly headersTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  readonly connectionsCheckMs?: number;
  /** PEM certificate (chain) and key: serve HTTPS (llama-swap's -tls-cert-file/-tls-key-file). */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
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
  const serve = (incoming: IncomingMessage, outgoing: ServerResponse): void => {
    const target = toOriginForm(incoming.url ?? '/');
    if (target === null) return answerError(outgoing, badRequest(`request target "${incoming.url ?? ''}" is neither a path nor an absolute http(s) URL`));
    incoming.url = target;
    if (current.serveDirect?.(incoming, outgoing) !== true) void viaHono(incoming, outgoing);
  };
  const httpOptions: HttpServerOptions = {
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    headersTimeout: options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS,
    requestTimeout: options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
    connectionsCheckingInterval: options.connectionsCheckMs ?? CONNECTIONS_CHECK_MS,
  };
  // Same options and listener either way; an https server is an http server over TLS sockets.
  const { tls } = options;
  const server: Server =
    tls === undefined ? createServer(httpOptions, serve) : createHttpsServer({ ...httpOptions, cert: tls.cert, key: tls.key }, serve);
  server.on('clientError', answerClientError);
  server.on('checkContinue', (incoming: IncomingMessage, outgoing: ServerResponse) => {
    const limit = current.maxRequestBodyBytes;
    if (limit !== undefined && Number(incoming.headers['content-length'] ?? 0) > limit) return answerError(outgoing, bodyTooLarge(limit));
    outgoing.writeContinue();
    serve(incoming, outgoing);
  });
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

/** An error refused before any route: the body is not read, so the connection closes after it. */
function answerError(outgoing: ServerResponse, error: SwapgateError): void {
  const body = formatErrorBody(error);
  outgoing.writeHead(error.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'close' });
  outgoing.end(body);
}
