// X-Request-ID: the client's when it is safe to echo and log, else a cheap unique one.
import { randomBytes } from 'node:crypto';

const SAFE_ID = /^[A-Za-z0-9._-]{1,128}$/;

export function sanitizeRequestId(value: string | undefined): string | null {
  return value !== undefined && SAFE_ID.test(value) ? value : null;
}

/** Boot-unique prefix plus a counter: unique per process without a UUID per request. */
export function createRequestIdGenerator(): () => string {
  const prefix = randomBytes(6).toString('hex');
  let counter = 0;
  return () => `${prefix}-${(++counter).toString(36)}`;
}
