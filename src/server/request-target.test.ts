import { describe, expect, it } from 'vitest';
import { toOriginForm } from './request-target.js';

describe('toOriginForm', () => {
  it('keeps a path as it is (the same string: no copy)', () => {
    const target = '/v1/chat/completions?x=1';
    expect(toOriginForm(target)).toBe(target);
  });

  it('reduces an absolute-form target to its path and query, without normalizing it', () => {
    expect(toOriginForm('http://127.0.0.1:8080/v1/chat/completions')).toBe('/v1/chat/completions');
    expect(toOriginForm('HTTPS://host/upstream/m/../x?a=b')).toBe('/upstream/m/../x?a=b');
    expect(toOriginForm('http://host')).toBe('/');
    expect(toOriginForm('http://host?model=m')).toBe('/?model=m');
  });

  it('refuses other forms', () => {
    expect(toOriginForm('*')).toBeNull();
    expect(toOriginForm('host:443')).toBeNull();
    expect(toOriginForm('ftp://host/x')).toBeNull();
  });

  it('percent-encodes backslashes in the path only', () => {
    expect(toOriginForm('/api/models/unload/a\\b?q=\\')).toBe('/api/models/unload/a%5Cb?q=\\');
    expect(toOriginForm('/x?q=\\')).toBe('/x?q=\\');
  });
});
