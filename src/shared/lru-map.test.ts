import { describe, expect, it } from 'vitest';
import { LruMap } from './lru-map.js';

const keysOf = (map: LruMap<string, number>, candidates: readonly string[]): string[] => candidates.filter((k) => map.get(k) !== undefined);

describe('LruMap with maxEntries', () => {
  it('drops the least recently set entry past the bound', () => {
    const map = new LruMap<string, number>({ maxEntries: 2 });
    map.set('a', 1);
    map.set('b', 2);
    map.set('c', 3);
    expect(map.size).toBe(2);
    expect(map.get('a')).toBeUndefined();
    expect(map.get('b')).toBe(2);
    expect(map.get('c')).toBe(3);
  });

  it('counts get() as a use: the entry read last survives', () => {
    const map = new LruMap<string, number>({ maxEntries: 2 });
    map.set('a', 1);
    map.set('b', 2);
    expect(map.get('a')).toBe(1);
    map.set('c', 3);
    expect(map.get('b')).toBeUndefined();
    expect(map.get('a')).toBe(1);
    expect(map.get('c')).toBe(3);
  });

  it('replaces a value in place of a new entry and makes it the most recently used', () => {
    const map = new LruMap<string, number>({ maxEntries: 2 });
    map.set('a', 1);
    map.set('b', 2);
    map.set('a', 10);
    expect(map.size).toBe(2);
    map.set('c', 3);
    expect(map.get('a')).toBe(10);
    expect(map.get('b')).toBeUndefined();
  });

  it('keeps nothing with maxEntries 0', () => {
    const map = new LruMap<string, number>({ maxEntries: 0 });
    map.set('a', 1);
    expect(map.size).toBe(0);
    expect(map.get('a')).toBeUndefined();
  });

  it('deletes and clears', () => {
    const map = new LruMap<string, number>({ maxEntries: 3 });
    map.set('a', 1);
    map.set('b', 2);
    expect(map.delete('a')).toBe(true);
    expect(map.delete('a')).toBe(false);
    expect(map.size).toBe(1);
    map.clear();
    expect(map.size).toBe(0);
    expect(map.get('b')).toBeUndefined();
  });

  it('holds null values (only undefined means a miss)', () => {
    const map = new LruMap<string, number | null>({ maxEntries: 1 });
    map.set('a', null);
    expect(map.get('a')).toBeNull();
    expect(map.size).toBe(1);
  });

  it('is unbounded without options', () => {
    const map = new LruMap<string, number>();
    for (let i = 0; i < 1000; i++) map.set(`k${i}`, i);
    expect(map.size).toBe(1000);
    expect(map.get('k0')).toBe(0);
  });
});

describe('LruMap with maxCost', () => {
  const byLength = (key: string): number => key.length;

  it('drops the least recently used entries until the total cost fits', () => {
    const map = new LruMap<string, number>({ maxCost: 10, costOf: byLength });
    map.set('aaaa', 1);
    map.set('bbbb', 2);
    expect(map.totalCost).toBe(8);
    expect(map.get('aaaa')).toBe(1); // now bbbb is the stalest
    map.set('cccc', 3);
    expect(map.totalCost).toBe(8);
    expect(keysOf(map, ['aaaa', 'bbbb', 'cccc'])).toEqual(['aaaa', 'cccc']);
  });

  it('drops as many old entries as one big new entry needs', () => {
    const map = new LruMap<string, number>({ maxCost: 10, costOf: byLength });
    for (const key of ['a', 'b', 'c', 'd', 'e']) map.set(key, 0);
    map.set('123456789', 1);
    expect(keysOf(map, ['a', 'b', 'c', 'd', 'e', '123456789'])).toEqual(['e', '123456789']);
    expect(map.totalCost).toBe(10);
  });

  it('does not keep an entry that alone costs more than the bound', () => {
    const map = new LruMap<string, number>({ maxCost: 3, costOf: byLength });
    map.set('ab', 1);
    map.set('abcd', 2);
    expect(map.size).toBe(0);
    expect(map.totalCost).toBe(0);
  });

  it('keeps the total right through replace, delete and clear', () => {
    const map = new LruMap<string, string>({ maxCost: 100, costOf: (_key, value) => value.length });
    map.set('a', 'xxx');
    map.set('a', 'xxxxx');
    expect(map.totalCost).toBe(5);
    map.set('b', 'yy');
    map.delete('a');
    expect(map.totalCost).toBe(2);
    map.clear();
    expect(map.totalCost).toBe(0);
  });

  it('applies both bounds when both are set', () => {
    const map = new LruMap<string, number>({ maxEntries: 2, maxCost: 100, costOf: byLength });
    map.set('a', 1);
    map.set('b', 2);
    map.set('c', 3);
    expect(keysOf(map, ['a', 'b', 'c'])).toEqual(['b', 'c']);
    expect(map.totalCost).toBe(2);
  });
});
