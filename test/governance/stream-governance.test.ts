// Streamed answers through the StreamGovernor, end to end over real sockets: a PII value split
// across chunks is redacted, a mid-stream block ends with finish_reason "content_filter" and a
// length limit with "length" (both cut the upstream), and without response rules the upstream's
// bytes arrive untouched.
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeModel } from '../helpers/model-config.js';
import { parseSse } from '../server/harness.js';
import { STREAM_GUARD_POLICIES as POLICIES, startGoverned, startScriptedGovernance, type GovernedHarness, type ScriptedGovernance } from './governance-harness.js';
import { startScriptedUpstream, type ScriptedUpstream } from './scripted-upstream.js';


async function collect(stream: AsyncIterable<OpenAI.ChatCompletionChunk>): Promise<{ text: string; finish: (string | null)[]; error: unknown }> {
  let text = '';
  const finish: (string | null)[] = [];
  try {
    for await (const chunk of stream) {
      for (const choice of chunk.choices) {
        text += choice.delta.content ?? '';
        if (choice.finish_reason !== null) finish.push(choice.finish_reason);
      }
    }
    return { text, finish, error: null };
  } catch (error) {
    return { text, finish, error };
  }
}

describe('streamed answers under response rules', () => {
  let scripted: ScriptedGovernance;
  let upstream: ScriptedUpstream;
  let h: GovernedHarness;
  let client: OpenAI;
  beforeAll(async () => {
    scripted = await startScriptedGovernance();
    ({ upstream, harness: h, client } = scripted);
  });
  afterAll(() => scripted.close());
  afterEach(() => {
    upstream.seen.length = 0;
  });

  it('redacts an email split across chunks, with usage still reported', async () => {
    upstream.script = { pieces: ['mail ', 'jane.d', 'oe@exam', 'ple.com', ' ok'], usage: { prompt_tokens: 3, completion_tokens: 5 } };
    const stream = await client.chat.completions.create({ model: 'writer', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const result = await collect(stream);
    expect(result.error).toBeNull();
    expect(result.text).toBe('mail [REDACTED:email] ok');
    expect(result.text).not.toMatch(/jane|exam|ple\.com/);
    expect(result.finish).toEqual(['stop']);
    await expect.poll(async () => (await h.auditRecords()).at(-1)).toMatchObject({
      model: 'scripted/writer',
      status: 200,
      tokens: { prompt: 3, completion: 5 },
      // The length rule also clamped max_tokens on the way in.
      policy: [
        expect.objectContaining({ rule_type: 'response_length', action: 'truncate', direction: 'request' }),
        expect.objectContaining({ rule_type: 'pii_detection', action: 'redact', direction: 'response', by_pattern: { email: 1 } }),
      ],
    });
  });

  it('ends a blocked stream with finish_reason content_filter and an error event, and cuts the upstream', async () => {
    upstream.script = { pieces: ['this is ', 'about proj', 'ect-x and more'], hold: true };
    const stream = await client.chat.completions.create({ model: 'writer', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const result = await collect(stream);
    expect(result.finish).toEqual(['content_filter']);
    expect(result.text).not.toContain('proj');
    expect(result.error).toBeInstanceOf(OpenAI.APIError);
    expect((result.error as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({ type: 'policy_violation', policy_id: 'stream-guard' });
    // The upstream was still streaming (hold): swapgate aborted it.
    expect(await upstream.seen[0]?.closed).toBe(true);
    await expect.poll(async () => (await h.auditRecords()).at(-1)).toMatchObject({
      status: 200,
      policy: expect.arrayContaining([expect.objectContaining({ rule_type: 'content_filter', action: 'block', direction: 'response' })]),
    });
  });

  it('truncates a long stream with finish_reason length and cuts the upstream', async () => {
    upstream.script = { pieces: ['a ', 'b ', 'c ', 'd ', 'e ', 'f ', 'g ', 'h ', 'i '], hold: true };
    const res = await fetch(`${h.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'writer', messages: [{ role: 'user', content: 'hi' }], stream: true }),
    });
    expect(res.status).toBe(200);
    const events = parseSse(await res.text());
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.filter((e): e is OpenAI.ChatCompletionChunk => e !== '[DONE]');
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('a b c d e f ');
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('length');
    expect(await upstream.seen[0]?.closed).toBe(true);
    expect(upstream.seen[0]?.body).toMatchObject({ max_tokens: 6 });
    await expect.poll(async () => (await h.auditRecords()).at(-1)).toMatchObject({
      status: 200,
      policy: expect.arrayContaining([expect.objectContaining({ rule_type: 'response_length', action: 'truncate', direction: 'response' })]),
    });
  });
});

describe('a client that leaves a governed stream', () => {
  it('cuts the upstream too', async () => {
    const upstream = await startScriptedUpstream({ pieces: ['hello ', 'there '], hold: true });
    const h = await startGoverned({ models: [makeModel('local')], config: { peers: [upstream.peer('scripted', ['writer'])], policies: POLICIES }, audit: {} });
    try {
      const controller = new AbortController();
      const res = await fetch(`${h.url}/v1/chat/completions`, {
        method: 'POST',
        body: JSON.stringify({ model: 'writer', messages: [{ role: 'user', content: 'hi' }], stream: true }),
        signal: controller.signal,
      });
      const reader = res.body?.getReader();
      expect((await reader?.read())?.done).toBe(false);
      controller.abort();
      expect(await upstream.seen[0]?.closed).toBe(true);
      await expect.poll(async () => (await h.auditRecords()).at(-1)).toMatchObject({ model: 'scripted/writer', status: 200 });
    } finally {
      await h.close();
      await upstream.close();
    }
  });
});

describe('streamed answers without response rules', () => {
  it('pass through byte for byte (no governor on the path)', async () => {
    const upstream = await startScriptedUpstream({ pieces: ['jane.doe@example.com ', 'project-x'] });
    const h = await startGoverned({
      models: [makeModel('local')],
      config: {
        peers: [upstream.peer('scripted', ['writer'])],
        policies: [{ ...POLICIES[0]!, models: ['local'] }],
      },
    });
    try {
      const body = JSON.stringify({ model: 'writer', messages: [{ role: 'user', content: 'hi' }], stream: true });
      const direct = await (await fetch(`${upstream.url}/v1/chat/completions`, { method: 'POST', body })).text();
      const proxied = await (await fetch(`${h.url}/v1/chat/completions`, { method: 'POST', body })).text();
      expect(proxied).toBe(direct);
      expect(proxied).toContain('jane.doe@example.com');
    } finally {
      await h.close();
      await upstream.close();
    }
  });
});
