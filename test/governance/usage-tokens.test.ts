import { describe, expect, it } from 'vitest';
import { readJsonUsage } from '../../src/server/governance/usage-tokens.js';

const read = (value: unknown): ReturnType<typeof readJsonUsage> => readJsonUsage(Buffer.from(JSON.stringify(value)));

describe('reading usage from a JSON answer without parsing all of it', () => {
  it('reads OpenAI and Anthropic usage', () => {
    expect(read({ id: 'x', choices: [{ message: { content: 'hi' } }], usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 } }))
      .toEqual({ prompt: 12, completion: 3 });
    expect(read({ content: [{ type: 'text', text: 'hi' }], usage: { input_tokens: 4, output_tokens: 9 } })).toEqual({ prompt: 4, completion: 9 });
  });

  it('reads nested details and keys after usage (llama-server adds timings)', () => {
    const body = { usage: { prompt_tokens: 2, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 1 } }, timings: { predicted_ms: 1.5 } };
    expect(read(body)).toEqual({ prompt: 2, completion: 5 });
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
