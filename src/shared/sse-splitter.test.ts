import { describe, expect, it } from 'vitest';
import { createSseSplitter, findEventEnd } from './sse-splitter.js';

const text = (buffers: readonly Buffer[]): string[] => buffers.map((b) => b.toString('utf8'));

/** Every event the splitter yields when `stream` arrives cut at each of `cuts`, plus the rest. */
function splitAt(stream: string, cuts: readonly number[]): { events: string[]; rest: string | null } {
  const bytes = Buffer.from(stream);
  const splitter = createSseSplitter();
  const events: string[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    events.push(...text(splitter.push(bytes.subarray(from, cut))));
    from = cut;
  }
  const rest = splitter.end();
  return { events, rest: rest === null ? null : rest.toString('utf8') };
}

describe('createSseSplitter', () => {
  const stream = 'event: a\ndata: 1\n\ndata: 2\r\n\r\ndata: 3\r\rdata: é\n\n';
  const expected = ['event: a\ndata: 1\n\n', 'data: 2\r\n\r\n', 'data: 3\r\r', 'data: é\n\n'];

  it('splits on LF, CRLF and lone CR blank lines, terminators included', () => {
    expect(splitAt(stream, [])).toEqual({ events: expected, rest: null });
  });

  it('gives the same events however the bytes are chunked (inside a CRLF or a UTF-8 sequence too)', () => {
    const length = Buffer.byteLength(stream);
    for (let cut = 1; cut < length; cut++) expect(splitAt(stream, [cut])).toEqual({ events: expected, rest: null });
    expect(splitAt(stream, Array.from({ length: length - 1 }, (_, i) => i + 1))).toEqual({ events: expected, rest: null });
  });

  it('waits for the byte after a final CR before it decides whether it ends an event', () => {
    const splitter = createSseSplitter();
    expect(text(splitter.push(Buffer.from('data: 1\r\n\r')))).toEqual([]);
    expect(text(splitter.push(Buffer.from('\ndata: 2')))).toEqual(['data: 1\r\n\r\n']);
    expect(splitter.end()?.toString('utf8')).toBe('data: 2');
    expect(splitter.end()).toBeNull();
  });

  it('hands back an unterminated last event at end()', () => {
    expect(splitAt('data: 1\n\ndata: 2\n', [4])).toEqual({ events: ['data: 1\n\n'], rest: 'data: 2\n' });
  });
});

describe('findEventEnd', () => {
  it('is the offset just past the first blank line', () => {
    const raw = Buffer.from('event: message_start\ndata: {}\n\ndata: 2\n\n');
    expect(findEventEnd(raw)).toBe('event: message_start\ndata: {}\n\n'.length);
    expect(findEventEnd(Buffer.from('data: 1\r\n\r\nx'))).toBe(11);
    expect(findEventEnd(Buffer.from('data: 1\r\rx'))).toBe(9);
  });

  it('is -1 when no event is complete', () => {
    expect(findEventEnd(Buffer.from('data: 1\ndata: 2\n'))).toBe(-1);
    expect(findEventEnd(Buffer.from('data: 1\r\n\r'))).toBe(-1); // may be half a CRLF
    expect(findEventEnd(Buffer.alloc(0))).toBe(-1);
  });

  it('agrees with the splitter on the first event', () => {
    const raw = Buffer.from('id: 7\r\ndata: a\r\n\r\ndata: b\n\n');
    const [first] = createSseSplitter().push(raw);
    expect(findEventEnd(raw)).toBe(first?.length);
  });
});
