import { describe, expect, it } from 'vitest';
import { hasGeneratedText } from '../../src/governance/has-generated-text.js';
import { createSseUsageReader } from '../../src/governance/sse-usage-reader.js';
import { readJsonUsage } from '../../src/governance/usage-tokens.js';

const read = (value: unknown): ReturnType<typeof readJsonUsage> => readJsonUsage(Buffer.from(JSON.stringify(value)));

describe('reading usage from a JSON answer without parsing all of it', () => {
  it('reads OpenAI and Anthropic usage', () => {
    expect(read({ id: 'x', choices: [{ message: { content: 'hi' } }], usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 } }))
      .toEqual({ prompt: 12, completion: 3 });
    expect(read({ content: [{ type: 'text', text: 'hi' }], usage: { input_tokens: 4, output_tokens: 9 } })).toEqual({ prompt: 4, completion: 9 });
  });

  it('reads nested details and keys after usage (llama-server adds timings)', () => {
    const body = { usage: { prompt_tokens: 2, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 1 } }, timings: { predicted_ms: 1.5 } };
    expect(read(body)).toEqual({ prompt: 2, completion: 5, cached: 1 });
  });

  it('is not fooled by "usage" inside the generated text', () => {
    const content = 'Here is JSON: {"usage": {"prompt_tokens": 999, "completion_tokens": 999}} and "usage": {';
    expect(read({ choices: [{ message: { content } }], usage: { prompt_tokens: 7, completion_tokens: 8 } })).toEqual({ prompt: 7, completion: 8 });
    expect(read({ usage: { prompt_tokens: 7, completion_tokens: 8 }, choices: [{ message: { content } }] })).toEqual({ prompt: 7, completion: 8 });
    expect(read({ choices: [{ message: { content } }] })).toBeNull();
  });

  it('handles pretty-printed answers, strings with braces and escapes, and no usage at all', () => {
    const pretty = Buffer.from(JSON.stringify({ usage: { prompt_tokens: 1, completion_tokens: 2, note: 'a } b \\" {' } }, null, 2));
    expect(readJsonUsage(pretty)).toEqual({ prompt: 1, completion: 2 });
    expect(read({ usage: null, choices: [] })).toBeNull();
    expect(read({ choices: [] })).toBeNull();
    expect(readJsonUsage(Buffer.from('not json "usage": {'))).toBeNull();
  });
});

describe('reading usage from a stream (SSE)', () => {
  const feed = (events: readonly string[], chunkBytes = 7): ReturnType<ReturnType<typeof createSseUsageReader>['read']> => {
    const reader = createSseUsageReader(() => 0);
    const raw = Buffer.from(events.join(''));
    for (let i = 0; i < raw.length; i += chunkBytes) reader.push(raw.subarray(i, i + chunkBytes));
    return reader.read();
  };
  const data = (value: unknown, event?: string): string => `${event === undefined ? '' : `event: ${event}\n`}data: ${JSON.stringify(value)}\n\n`;

  it('OpenAI chat with include_usage: the final chunk (earlier chunks say usage null)', () => {
    const chunk = (content: string): string => data({ object: 'chat.completion.chunk', choices: [{ delta: { content } }], usage: null });
    expect(feed([chunk('a'), chunk('b'), data({ object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 9, completion_tokens: 2 } }), 'data: [DONE]\n\n']))
      .toEqual({ prompt: 9, completion: 2 });
    expect(feed([chunk('a'), 'data: [DONE]\n\n'])).toBeNull();
  });

  it('Anthropic: prompt tokens from message_start, completion tokens from message_delta', () => {
    const events = [
      data({ type: 'message_start', message: { id: 'm', content: [], usage: { input_tokens: 21, output_tokens: 1 } } }, 'message_start'),
      data({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'usage: {"input_tokens": 5}' } }, 'content_block_delta'),
      data({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 40 } }, 'message_delta'),
      data({ type: 'message_stop' }, 'message_stop'),
    ];
    expect(feed(events)).toEqual({ prompt: 21, completion: 40 });
    // A long answer: message_start is long gone from the tail.
    const long = Array.from({ length: 2000 }, () => events[1] as string);
    expect(feed([events[0] as string, ...long, events[2] as string, events[3] as string], 4096)).toEqual({ prompt: 21, completion: 40 });
  });

  it('Responses API: usage inside response.completed, after the repeated answer', () => {
    const text = 'word '.repeat(2000);
    const events = [
      data({ type: 'response.created', response: { id: 'r', status: 'in_progress', usage: null } }, 'response.created'),
      data({ type: 'response.output_text.delta', delta: text }, 'response.output_text.delta'),
      data({ type: 'response.completed', response: { id: 'r', status: 'completed', output: [{ content: [{ text }] }], usage: { input_tokens: 12, output_tokens: 2000, total_tokens: 2012 } } }, 'response.completed'),
    ];
    expect(feed(events, 1024)).toEqual({ prompt: 12, completion: 2000 });
  });
});

// llama-server's own figures: its answers carry "timings" next to "usage" (as a real one sends them).
const TIMINGS = { cache_n: 21, prompt_n: 1, prompt_ms: 0.4, prompt_per_second: 2277.9, predicted_n: 3, predicted_ms: 0.7, predicted_per_second: 2770.1 };

describe('llama-server timings, cache hits and speeds', () => {
  it('timings override usage in a JSON answer; cached tokens come from usage details otherwise', () => {
    const usage = { completion_tokens: 3, prompt_tokens: 22, total_tokens: 25, prompt_tokens_details: { cached_tokens: 20 } };
    expect(readJsonUsage(Buffer.from(JSON.stringify({ choices: [], usage, timings: TIMINGS }))))
      .toEqual({ prompt: 1, completion: 3, cached: 21, promptPerSecond: 2277.9, generationPerSecond: 2770.1 });
    expect(readJsonUsage(Buffer.from(JSON.stringify({ choices: [], usage })))).toEqual({ prompt: 22, completion: 3, cached: 20 });
    expect(readJsonUsage(Buffer.from(JSON.stringify({ content: [], usage: { input_tokens: 4, output_tokens: 2, cache_read_input_tokens: 3 } }))))
      .toEqual({ prompt: 4, completion: 2, cached: 3 });
  });

  it('reads them from the last event of a stream and times the first chunk with generated text', () => {
    let clock = 0;
    const reader = createSseUsageReader(() => clock);
    const chunk = (delta: object, extra: object = {}): Buffer => Buffer.from(`data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ delta }], ...extra })}\n\n`);
    for (const [at, data] of [
      [10, chunk({ role: 'assistant', content: null })],
      [20, chunk({ content: '' })],
      [30, chunk({ content: 'Hi' })],
      [40, chunk({ content: ' there' })],
      [50, Buffer.from(`data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 22, completion_tokens: 3 }, timings: TIMINGS })}\n\ndata: [DONE]\n\n`)],
    ] as const) {
      clock = at;
      reader.push(data);
    }
    expect(reader.firstTokenAt).toBe(30);
    expect(reader.read()).toEqual({ prompt: 1, completion: 3, cached: 21, promptPerSecond: 2277.9, generationPerSecond: 2770.1 });
  });

  it('knows generated text in every stream format, and not the role chunk, empty starts or escaped look-alikes', () => {
    const yes = [
      '{"choices":[{"delta":{"content":"a"}}]}',
      '{"choices":[{"text":"a","index":0}]}',
      '{"type":"content_block_delta","delta":{"type":"text_delta","text":"a"}}',
      '{"type":"response.output_text.delta","delta":"a"}',
      '{"choices":[{"delta":{"reasoning_content":"hm"}}]}',
      '{"choices":[{"delta":{"tool_calls":[{"function":{"arguments":"{"}}]}}]}',
    ];
    const no = [
      '{"choices":[{"delta":{"role":"assistant","content":null}}]}',
      '{"type":"content_block_start","content_block":{"type":"text","text":""}}',
      '{"type":"message_start","message":{"content":[],"role":"assistant"}}',
      '{"type":"response.created","response":{"text":{"format":{"type":"text"}}}}',
      '{"id":"x","object":"chat.completion.chunk","model":"content"}',
      '{"note":"\\"content\\":\\"x"}',
    ];
    for (const text of yes) expect(hasGeneratedText(Buffer.from(text)), text).toBe(true);
    for (const text of no) expect(hasGeneratedText(Buffer.from(text)), text).toBe(false);
  });
});
