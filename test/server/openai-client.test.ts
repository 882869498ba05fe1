// The official openai SDK as a real client against a running swapgate.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeModel } from '../helpers/model-config.js';
import { startHarness, type Harness } from './harness.js';

describe('openai SDK against swapgate', () => {
  let h: Harness;
  let client: OpenAI;
  beforeAll(async () => {
    h = await startHarness({ models: [makeModel('chat', { aliases: ['gpt-4o-mini'], name: 'Chat model' }), makeModel('embed')] });
    client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(() => h.close());

  it('chat completion', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'ping' }] });
    expect(completion.choices[0]?.message.content).toBe('chat says: ping');
  });

  it('streaming chat completion', async () => {
    const stream = await client.chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: 'count' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('tok0 tok1 tok2 tok3 tok4 ');
    expect(usage?.completion_tokens).toBe(5);
  });

  it('legacy completion', async () => {
    const completion = await client.completions.create({ model: 'chat', prompt: 'hello' });
    expect(completion.choices[0]?.text).toBe('chat says: hello');
  });

  it('embeddings', async () => {
    const result = await client.embeddings.create({ model: 'embed', input: ['a', 'b'] });
    expect(result.data).toHaveLength(2);
    expect(result.data[0]?.embedding).toHaveLength(8);
  });

  it('models list', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(['chat', 'embed']);
  });

  it('unknown model raises NotFoundError with our message', async () => {
    const error = await client.chat.completions.create({ model: 'missing', messages: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).message).toContain('model "missing" not found');
  });
});
