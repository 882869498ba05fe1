import { describe, expect, it } from 'vitest';
import { decodeModelPath } from './model-resolver.js';

describe('decodeModelPath', () => {
  it('decodes an ordinary name, slashes included', () => {
    expect(decodeModelPath('org/model%20q4')).toBe('org/model q4');
  });

  it.each(['..', 'a/../b', '%2e%2e', 'a%2Fb', 'a%2fb', 'a%5Cb', 'a\\b', 'a..b'])('refuses %s', (raw) => {
    expect(decodeModelPath(raw)).toBeNull();
  });
});
