// API-key check: Bearer, x-api-key or the Basic password, compared in constant time.
// Kept in one file so the policy layer's richer key handling can replace it.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { MiddlewareHandler } from 'hono';
import type { ApiKeyConfig } from '../config/types.js';
import { getHeader, type AppEnv } from './app-env.js';
import { isPreflight } from './cors.js';
import { unauthorized } from './http-errors.js';

export interface AuthOptions {
  readonly apiKeys: readonly ApiKeyConfig[];
  /** Paths answered without a key. */
  readonly publicPaths?: readonly string[];
}

interface KeyDigest {
  readonly digest: Buffer;
  readonly name: string;
}

const digestOf = (value: string): Buffer => createHash('sha256').update(value).digest();

/** Returns null when no keys are configured: every request is let through. */
export function createAuth(options: AuthOptions): MiddlewareHandler<AppEnv> | null {
  if (options.apiKeys.length === 0) return null;
  const keys: KeyDigest[] = options.apiKeys.map((k, i) => {
    if (k.key.length === 0) throw new TypeError(`apiKeys[${i}] ("${k.name}"): the key is empty`);
    return { digest: digestOf(k.key), name: k.name };
  });
  const publicPaths = new Set(options.publicPaths ?? ['/health']);

  // Not async (a throw still reaches onError through hono's compose): one microtask less.
  return function auth(c, next) {
    const state = c.get('state');
    if (publicPaths.has(state.path) || isPreflight(c.req.method, state.headers)) return next();
    const presented = getPresentedKey(state.headers);
    if (presented === null) {
      throw unauthorized('missing API key: send "Authorization: Bearer <key>", "x-api-key: <key>" or HTTP Basic auth');
    }
    const digest = digestOf(presented);
    let match: KeyDigest | null = null;
    // Compare against every key, so timing tells nothing about which (if any) matched.
    for (const key of keys) if (timingSafeEqual(key.digest, digest) && match === null) match = key;
    if (match === null) throw unauthorized('invalid API key');
    state.keyName = match.name;
    return next();
  };
}

export function getPresentedKey(headers: IncomingHttpHeaders): string | null {
  const authorization = getHeader(headers, 'authorization');
  if (authorization !== undefined) {
    const space = authorization.indexOf(' ');
    const scheme = (space < 0 ? authorization : authorization.slice(0, space)).toLowerCase();
    const value = space < 0 ? '' : authorization.slice(space + 1).trim();
    if (scheme === 'bearer' && value !== '') return value;
    if (scheme === 'basic' && value !== '') {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const password = colon < 0 ? decoded : decoded.slice(colon + 1);
      if (password !== '') return password;
    }
  }
  const apiKey = getHeader(headers, 'x-api-key');
  return apiKey !== undefined && apiKey !== '' ? apiKey : null;
}
