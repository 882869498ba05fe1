import type { IncomingHttpHeaders } from 'node:http';

/** First value of a request header. */
export function getHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
