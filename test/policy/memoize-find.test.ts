import { describe, expect, it } from 'vitest';
import type { TextHit } from '../../src/policy/compile-rule.js';
import { memoizeFind } from '../../src/policy/memoize-find.js';

// A stand-in scanner that reports each "x" and counts how often it really ran.
function createScanner(): { find: (text: string, from: number) => TextHit[]; calls: string[] } {
  const calls: string[] = [];
  const find = (text: string, from: number): TextHit[] => {
    calls.push(text);
    return [...text.matchAll(/x/g)].map((m) => ({ start: m.index, end: m.index + 1, label: 'x' })).filter((h) => h.end > from);
  };
  return { find, calls };
}

describe('memoizeFind', () => {
  it('scans a whole text twice at most (kept from its second sighting), with the same hits', () => {
    const scanner = createScanner();
    const find = memoizeFind(scanner.find);
    const prompt = 'a system prompt with x and x';
    const first = find(prompt, 0);
    expect(first).toEqual([{ start: 21, end: 22, label: 'x' }, { start: 27, end: 28, label: 'x' }]);
    const second = find(prompt, 0);
    expect(second).toEqual(first);
    for (let i = 0; i < 5; i++) expect(find(prompt, 0)).toBe(second);
    expect(find('some other words', 0)).toEqual([]);
    expect(scanner.calls).toEqual([prompt, prompt, 'some other words']);
    expect(Object.isFrozen(second)).toBe(true);
  });

  it('does not keep texts seen only once (each new chat turn)', () => {
    const scanner = createScanner();
    const find = memoizeFind(scanner.find);
    for (let i = 0; i < 100; i++) find(`turn ${i} with x`, 0);
    expect(scanner.calls).toHaveLength(100);
    find('turn 0 with x', 0); // its second sighting: scanned, now kept
    find('turn 0 with x', 0);
    expect(scanner.calls).toHaveLength(101);
  });

  it('always scans stream segments that follow context, and texts over 32 KB', () => {
    const scanner = createScanner();
    const find = memoizeFind(scanner.find);
    const long = 'x'.repeat(33 * 1024);
    find('context x', 7);
    find('context x', 7);
    find(long, 0);
    find(long, 0);
    expect(scanner.calls).toHaveLength(4);
  });

  it('keeps at most ~1M characters of texts, dropping the least recently used', () => {
    const scanner = createScanner();
    const find = memoizeFind(scanner.find);
    const text = (i: number): string => `${i}:`.padEnd(30 * 1024, 'a');
    for (let i = 0; i < 40; i++) find(text(i), 0);
    for (let i = 0; i < 40; i++) find(text(i), 0); // kept now; 40 × 30 KB > 1M: the first ones are gone
    expect(scanner.calls).toHaveLength(80);
    find(text(39), 0); // still kept
    expect(scanner.calls).toHaveLength(80);
    find(text(0), 0); // evicted long ago: scanned again
    expect(scanner.calls).toHaveLength(81);
  });
});

describe('memoizeFind with long texts', () => {
  it('keeps long texts that differ only in the middle apart (hits come from the exact text)', () => {
    const scanner = createScanner();
    const find = memoizeFind(scanner.find);
    const edge = 'a'.repeat(600);
    const one = `${edge}x${edge}`;
    const other = `${edge}b${edge}`; // same length, first and last 600 characters
    find(one, 0);
    find(other, 0); // may look "seen" to the sampled doorkeeper: kept, but with its own hits
    expect(find(one, 0)).toEqual([{ start: 600, end: 601, label: 'x' }]);
    expect(find(other, 0)).toEqual([]);
    expect(find(one, 0)).toEqual([{ start: 600, end: 601, label: 'x' }]);
  });
});
