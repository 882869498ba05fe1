import { describe, expect, it } from 'vitest';
import type { ApiKeyConfig } from '../../src/config/types.js';
import { createKeyring, extractPresentedKey, isModelAllowed } from '../../src/policy/api-keys.js';

const alice: ApiKeyConfig = { key: 'sk-alice-0123456789', name: 'alice', models: ['llama-*', 'qwen'], requestsPerMinute: null, admin: false };
const root: ApiKeyConfig = { key: 'sk-root-9876543210', name: 'root', models: null, requestsPerMinute: null, admin: true };

describe('keyring', () => {
  it('finds keys by exact value only', () => {
    const keyring = createKeyring([alice, root]);
    expect(keyring.find('sk-alice-0123456789')).toBe(alice);
    expect(keyring.find('sk-root-9876543210')).toBe(root);
    expect(keyring.find('sk-alice-012345678')).toBeNull();
    expect(keyring.find('sk-alice-0123456789 ')).toBeNull();
    expect(keyring.find('')).toBeNull();
    expect(keyring.find(null)).toBeNull();
    expect(keyring.enabled).toBe(true);
    expect(keyring.adminRequired).toBe(true);
  });

  it('needs no admin when no key is admin, and is disabled without keys', () => {
    expect(createKeyring([alice]).adminRequired).toBe(false);
    expect(createKeyring([]).enabled).toBe(false);
  });
});

describe('extractPresentedKey', () => {
  const basic = (user: string, pass: string): string => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  it.each([
    [{ authorization: 'Bearer sk-1' }, 'sk-1'],
    [{ authorization: 'bearer   sk-1 ' }, 'sk-1'],
    [{ 'x-api-key': 'sk-2' }, 'sk-2'],
    [{ authorization: basic('user', 'sk-3') }, 'sk-3'],
    [{ authorization: basic('sk-4', '') }, 'sk-4'],
    [{ authorization: 'Token abc', 'x-api-key': 'sk-5' }, 'sk-5'],
    [{ authorization: 'Bearer ' }, null],
    [{}, null],
  ] as const)('%j → %j', (headers, expected) => {
    expect(extractPresentedKey(headers)).toBe(expected);
  });
});

describe('isModelAllowed', () => {
  it('matches ids, aliases and globs', () => {
    expect(isModelAllowed(alice, 'llama-8b', [])).toBe(true);
    expect(isModelAllowed(alice, 'qwen2-7b', ['qwen'])).toBe(true);
    expect(isModelAllowed(alice, 'mistral', ['mistral-7b'])).toBe(false);
    expect(isModelAllowed(root, 'anything', [])).toBe(true);
  });
});
