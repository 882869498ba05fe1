// Small response builders that set Content-Length and record the byte count for the log line.
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppContext } from './app-env.js';

export function sendJson(c: AppContext, value: unknown, status: ContentfulStatusCode = 200): Response {
  return sendText(c, JSON.stringify(value), 'application/json', status);
}

export function sendText(
  c: AppContext,
  text: string,
  contentType = 'text/plain; charset=utf-8',
  status: ContentfulStatusCode = 200,
): Response {
  const length = Buffer.byteLength(text);
  c.get('exchange').bytes = length;
  return c.body(text, status, { 'content-type': contentType, 'content-length': String(length) });
}
