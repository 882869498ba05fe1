// How the UI writes numbers, durations and speeds, and works out an answer's tokens and tok/s from
// a streamed chat completion (with and without llama-server's timings, and through a model load).
import { describe, expect, it } from 'vitest';
import { getLoadMs, readChatChunk } from '../../../ui/src/lib/chat-stream';
import { DASH, formatBytes, formatClock, formatCount, formatDuration, formatMs, formatRate } from '../../../ui/src/lib/format';
import { getDecodeRate, median, summarizeAnswer } from '../../../ui/src/lib/tok-rate';

describe('formatters', () => {
  it('write counts, latencies, spans, speeds and sizes, and a dash for what was not reported', () => {
    expect([formatCount(0), formatCount(1234567.4), formatCount(undefined), formatCount(Number.NaN)]).toEqual(['0', '1,234,567', DASH, DASH]);
    expect([0.42, 85.4, 1250, 12_340, 61_000].map(formatMs)).toEqual(['0.4 ms', '85 ms', '1.25 s', '12.3 s', '1 m 1 s']);
    expect([null, undefined].map(formatMs)).toEqual([DASH, DASH]);
    expect([999, 200_000, 7_500_000, 90_061_000].map(formatDuration)).toEqual(['0 s', '3 m 20 s', '2 h 5 m', '1 d 1 h']);
    expect([3.14159, 45.25, 1000, 12345].map(formatRate)).toEqual(['3.14', '45.3', '1,000', '12,345']);
    expect([512, 1500, 2_345_678, 15_600_000_000].map(formatBytes)).toEqual(['512 B', '1.5 kB', '2.3 MB', '16 GB']);
  });

  it('write local clock times, and nothing for a time that does not parse', () => {
    const at = new Date(2026, 11, 5, 9, 3, 7, 45).getTime();
    expect([formatClock(at), formatClock(at, true), formatClock('not a time')]).toEqual(['09:03:07', '09:03:07.045', '']);
  });
});

describe('tok/s maths', () => {
  it('counts the decode rate between the first and the last token', () => {
    expect(getDecodeRate(11, 1000, 1200)).toBe(50);
    expect([getDecodeRate(1, 0, 100), getDecodeRate(5, 100, 100), getDecodeRate(5, 200, 100)]).toEqual([null, null, null]);
    expect([median([3, 1, 2]), median([4, 1, 3, 2]), median([]), median([Number.NaN, 5])]).toEqual([2, 2.5, null, 5]);
  });

  it('prefers the upstream timings, then usage with measured times, then chunk counts', () => {
    const base = { startedAtMs: 0, firstTokenAtMs: 400, lastTokenAtMs: 600, doneAtMs: 650, chunks: 9 };
    const timings = { prompt_n: 20, cache_n: 12, prompt_per_second: 1000, predicted_n: 11, predicted_per_second: 48.5 };
    expect(summarizeAnswer({ ...base, usage: null, timings })).toEqual({
      promptTokens: 32, completionTokens: 11, estimated: false, tokensPerSecond: 48.5, promptPerSecond: 1000, ttftMs: 400, totalMs: 650,
    });
    expect(summarizeAnswer({ ...base, usage: { prompt_tokens: 7, completion_tokens: 11 }, timings: null })).toMatchObject({
      promptTokens: 7, completionTokens: 11, estimated: false, tokensPerSecond: 50, promptPerSecond: null,
    });
    expect(summarizeAnswer({ ...base, usage: null, timings: null })).toMatchObject({ promptTokens: null, completionTokens: 9, estimated: true, tokensPerSecond: 40 });
    expect(summarizeAnswer({ ...base, firstTokenAtMs: null, lastTokenAtMs: null, chunks: 0, usage: null, timings: null })).toMatchObject({
      completionTokens: null, tokensPerSecond: null, ttftMs: null, totalMs: 650,
    });
  });
});

describe('chat stream chunks', () => {
  const chunk = (id: string, delta: object, extra: object = {}): string => JSON.stringify({ id, object: 'chat.completion.chunk', choices: [{ index: 0, delta }], ...extra });

  it('tells swapgate loading-state text from a model reasoning, and reads content, usage and timings', () => {
    expect(readChatChunk(chunk('chatcmpl-swapgate-loading-3', { reasoning_content: 'loading model slow ' }))).toMatchObject({ loading: 'loading model slow ', reasoning: '', content: '' });
    expect(readChatChunk(chunk('chatcmpl-9', { reasoning_content: 'hmm' }))).toMatchObject({ loading: '', reasoning: 'hmm' });
    expect(readChatChunk(chunk('chatcmpl-9', { content: 'tok0 ' }))).toMatchObject({ content: 'tok0 ', usage: null, timings: null });
    const last = JSON.stringify({ id: 'chatcmpl-9', choices: [], usage: { prompt_tokens: 5, completion_tokens: 6 }, timings: { predicted_per_second: 50 } });
    expect(readChatChunk(last)).toMatchObject({ usage: { prompt_tokens: 5, completion_tokens: 6 }, timings: { predicted_per_second: 50 } });
    expect(readChatChunk('[DONE]').done).toBe(true);
    expect(readChatChunk('{"error":{"message":"model \\"x\\" exited during start"}}').error).toBe('model "x" exited during start');
    expect(readChatChunk('not json')).toMatchObject({ content: '', error: null, done: false });
  });

  it('reads the load time from the loading-state text', () => {
    expect(getLoadMs('loading model slow ...')).toBeNull();
    expect(getLoadMs('loading model slow ...\nmodel slow loaded in 1.2s\n\n')).toBe(1200);
  });
});
