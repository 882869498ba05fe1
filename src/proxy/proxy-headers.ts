// Header hygiene in both directions: hop-by-hop headers never cross the proxy, and the
// client's credentials never reach any upstream (peers get their own key instead).
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'trailers',
  'transfer-encoding',
  'upgrade',
]);

// Not forwarded upstream: hop-by-hop, credentials, and what the proxy recomputes itself.
const NOT_FORWARDED = new Set([...HOP_BY_HOP, 'host', 'authorization', 'x-api-key', 'content-length', 'expect', 'x-request-id']);

export interface UpstreamHeaderOptions {
  readonly requestId: string;
  /** Exact body length, or null to let node send it chunked (or no body at all). */
  readonly contentLength: number | null;
  /** A peer's own key, sent as Bearer and x-api-key. */
  readonly apiKey: string | null;
  /** Drop Accept-Encoding: the answer is read on its way through. */
  readonly unencoded: boolean;
}

export function buildUpstreamHeaders(client: IncomingHttpHeaders, options: UpstreamHeaderOptions): OutgoingHttpHeaders {
  const named = getConnectionTokens(client.connection);
  const headers: OutgoingHttpHeaders = {};
  for (const name in client) {
    if (NOT_FORWARDED.has(name) || (named !== null && named.has(name))) continue;
    headers[name] = client[name];
  }
  if (options.unencoded) delete headers['accept-encoding'];
  headers['x-request-id'] = options.requestId;
  if (options.contentLength !== null) headers['content-length'] = String(options.contentLength);
  if (options.apiKey !== null) {
    headers.authorization = `Bearer ${options.apiKey}`;
    headers['x-api-key'] = options.apiKey;
  }
  return headers;
}

export function buildClientHeaders(upstream: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = getConnectionTokens(upstream.connection);
  const headers: OutgoingHttpHeaders = {};
  for (const name in upstream) {
    if (HOP_BY_HOP.has(name) || (named !== null && named.has(name))) continue;
    headers[name] = upstream[name];
  }
  const type = upstream['content-type'];
  if (type !== undefined && type.startsWith('text/event-stream')) headers['x-accel-buffering'] = 'no';
  return headers;
}

/** Headers a sender named in "Connection: a, b" are hop-by-hop too. */
function getConnectionTokens(connection: string | undefined): Set<string> | null {
  if (connection === undefined || connection === 'keep-alive' || connection === 'close') return null;
  const tokens = connection.toLowerCase().split(',').map((t) => t.trim()).filter((t) => t !== '' && t !== 'keep-alive' && t !== 'close');
  return tokens.length > 0 ? new Set(tokens) : null;
}
