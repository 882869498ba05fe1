// API key checks. Keys are compared as SHA-256 digests with timingSafeEqual against every
// configured key (no early exit), so timing reveals neither a key nor how much of it matched.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiKeyConfig } from '../config/types.js';
import { SwapgateError } from '../shared/errors.js';
import { compileModelMatcher } from './match-model-globs.js';

export interface Keyring {
  find(presented: string | null): ApiKeyConfig | null;
  /** True when any key is configured: requests without a valid key are refused. */
  readonly enabled: boolean;
  /** True when any key is marked admin: admin endpoints then need an admin key. */
  readonly adminRequired: boolean;
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

export function createKeyring(apiKeys: readonly ApiKeyConfig[]): Keyring {
  const entries = apiKeys.map((key) => ({ key, digest: digest(key.key) }));
  return {
    find(presented) {
      if (presented === null || presented === '') return null;
      const wanted = digest(presented);
      let found: ApiKeyConfig | null = null;
      for (const entry of entries) {
        if (timingSafeEqual(entry.digest, wanted) && found === null) found = entry.key;
      }
      return found;
    },
    enabled: entries.length > 0,
    adminRequired: apiKeys.some((k) => k.admin),
  };
}

export interface KeyHeaders {
  readonly authorization?: string | null | undefined;
  readonly 'x-api-key'?: string | null | undefined;
}

/** Bearer token, x-api-key, or Basic credentials' password (the user name when it is empty). */
export function extractPresentedKey(headers: KeyHeaders): string | null {
  const authorization = headers.authorization?.trim() ?? '';
  const [scheme = '', ...rest] = authorization.split(/\s+/);
  const credentials = rest.join(' ');
  if (/^bearer$/i.test(scheme) && credentials !== '') return credentials;
  if (/^basic$/i.test(scheme) && credentials !== '') {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = colon === -1 ? decoded : decoded.slice(0, colon);
    const password = colon === -1 ? '' : decoded.slice(colon + 1);
    const key = password !== '' ? password : user;
    if (key !== '') return key;
  }
  const apiKey = headers['x-api-key']?.trim() ?? '';
  return apiKey !== '' ? apiKey : null;
}

const matcherCache = new WeakMap<ApiKeyConfig, ReturnType<typeof compileModelMatcher>>();

/** A key with models: null may use every model; otherwise ids, aliases or globs. */
export function isModelAllowed(key: ApiKeyConfig, modelId: string, aliases: readonly string[]): boolean {
  if (key.models === null) return true;
  let matcher = matcherCache.get(key);
  if (!matcher) {
    matcher = compileModelMatcher(key.models);
    matcherCache.set(key, matcher);
  }
  return matcher(modelId, aliases);
}

export function createUnauthorizedError(presented: boolean): SwapgateError {
  const message = presented ? 'invalid API key' : 'missing API key (send Authorization: Bearer <key> or x-api-key)';
  return new SwapgateError('unauthorized', message, { status: 401, type: 'authentication_error' });
}

export function createModelForbiddenError(key: ApiKeyConfig, modelId: string): SwapgateError {
  return new SwapgateError('forbidden', `API key "${key.name}" may not use model "${modelId}"`, {
    status: 403,
    type: 'permission_error',
    details: { model: modelId },
  });
}

export function createAdminForbiddenError(key: ApiKeyConfig | null): SwapgateError {
  const who = key ? `API key "${key.name}" is not an admin key` : 'an admin API key is required';
  return new SwapgateError('forbidden', who, { status: 403, type: 'permission_error' });
}
