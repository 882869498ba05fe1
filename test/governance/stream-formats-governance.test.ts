// Streamed Anthropic Messages and OpenAI Responses answers through the StreamGovernor, end to
// end over real sockets: a PII value split across chunks is redacted (in the deltas and in every
// final copy of the text), a mid-stream block and a length limit end the stream the way each API
// does and cut the upstream. Responses are read with the openai client (raw events and its stream
// helper), Anthropic streams by hand (no Anthropic SDK here).
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseEventStream, type EventJson } from '../helpers/scripted-sse.js';
import { startScriptedGovernance, type GovernedHarness, type ScriptedGovernance } from './governance-harness.js';
import type { ScriptedUpstream } from './scripted-upstream.js';


describe('streamed Responses and Anthropic Messages answers under response rules', () => {
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

  const postMessages = async (): Promise<{ status: number; events: EventJson[] }> => {
    const res = await fetch(`${h.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'writer', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    const events = parseEventStream(await res.text());
    // The Anthropic SDK dispatches on the event: line; it must name the JSON type.
    expect(events.every((e) => e.event === e.json.type)).toBe(true);
    return { status: res.status, events: events.map((e) => e.json) };
  };
  const textOf = (events: readonly EventJson[]): string =>
    events.flatMap((e) => (e.type === 'content_block_delta' && typeof (e.delta as { text?: unknown }).text === 'string' ? [(e.delta as { text: string }).text] : [])).join('');

  it('redacts an email split across Responses deltas, in the deltas and in every final copy (openai client)', async () => {
    upstream.script = { pieces: ['mail ', 'jane.d', 'oe@exam', 'ple.com', ' ok'], usage: { prompt_tokens: 3, completion_tokens: 5 } };
    const stream = await client.responses.create({ model: 'writer', input: 'hi', stream: true });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    const deltas = events.flatMap((e) => (e.type === 'response.output_text.delta' ? [e.delta] : [])).join('');
    expect(deltas).toBe('mail [REDACTED:email] ok');
    const done = events.find((e) => e.type === 'response.output_text.done');
    const completed = events.at(-1);
    expect(done?.type === 'response.output_text.done' && done.text).toBe(deltas);
    expect(completed?.type).toBe('response.completed');
    const message = completed?.type === 'response.completed' ? completed.response.output[0] : undefined;
    expect(message?.type === 'message' && message.content[0]?.type === 'output_text' && message.content[0].text).toBe(deltas);
    expect(JSON.stringify(events)).not.toMatch(/jane|exam|ple\.com/);
    await expect.poll(async () => (await h.auditRecords()).at(-1)).toMatchObject({
      model: 'scripted/writer',
      status: 200,
      policy: expect.arrayContaining([expect.objectContaining({ rule_type: 'pii_detection', action: 'redact', direction: 'response', by_pattern: { email: 1 } })]),
    });
  });

  it('gives the openai Responses stream helper a redacted final response, and a truncated one', async () => {
    upstream.script = { pieces: ['to ', 'jane.d', 'oe@exa', 'mple.com', ' now'] };
    const final = await client.responses.stream({ model: 'writer', input: 'hi' }).finalResponse();
    expect(final.status).toBe('completed');
    expect(final.output_text).toBe('to [REDACTED:email] now');
    upstream.script = { pieces: ['a ', 'b ', 'c ', 'd ', 'e ', 'f ', 'g ', 'h ', 'i '], hold: true };
    const cut = await client.responses.stream({ model: 'writer', input: 'hi' }).finalResponse();
    expect(cut).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output_text: 'a b c d e f ' });
    expect(await upstream.seen[1]?.closed).toBe(true);
  });

  it('ends a blocked Responses stream with response.incomplete (content_filter) and an error event, and cuts the upstream', async () => {
    upstream.script = { pieces: ['this is ', 'about proj', 'ect-x and more'], hold: true };
    const stream = await client.responses.create({ model: 'writer', input: 'hi', stream: true });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(events.slice(-2).map((e) => e.type)).toEqual(['response.incomplete', 'error']);
    const incomplete = events.at(-2);
    expect(incomplete?.type === 'response.incomplete' && incomplete.response).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'content_filter' } });
    expect(events.at(-1)).toMatchObject({ type: 'error', code: 'policy_violation', policy_id: 'stream-guard' });
    expect(JSON.stringify(events)).not.toContain('proj');
    expect(await upstream.seen[0]?.closed).toBe(true);
    await expect.poll(async () => (await h.auditRecords()).at(-1)).toMatchObject({
      status: 200,
      policy: expect.arrayContaining([expect.objectContaining({ rule_type: 'content_filter', action: 'block', direction: 'response' })]),
    });
  });

  it('redacts an email split across Anthropic text deltas', async () => {
    upstream.script = { pieces: ['mail ', 'jane.d', 'oe@exam', 'ple.com', ' ok'], usage: { prompt_tokens: 3, completion_tokens: 5 } };
    const { status, events } = await postMessages();
    expect(status).toBe(200);
    expect(textOf(events)).toBe('mail [REDACTED:email] ok');
    expect(JSON.stringify(events)).not.toMatch(/jane|exam|ple\.com/);
    expect(events.at(-2)).toMatchObject({ type: 'message_delta', delta: { stop_reason: 'end_turn' } });
    expect(events.at(-1)).toEqual({ type: 'message_stop' });
    expect(upstream.seen[0]?.path).toBe('/v1/messages');
  });

  it('ends a blocked Anthropic stream with stop_reason refusal, an error event and message_stop, and cuts the upstream', async () => {
    upstream.script = { pieces: ['this is ', 'about proj', 'ect-x and more'], hold: true };
    const { events } = await postMessages();
    expect(textOf(events)).toBe('this is about ');
    expect(events.slice(-4).map((e) => e.type)).toEqual(['content_block_stop', 'message_delta', 'error', 'message_stop']);
    expect(events.at(-3)).toMatchObject({ delta: { stop_reason: 'refusal' } });
    expect(events.at(-2)).toMatchObject({ type: 'error', error: { type: 'policy_violation', policy_id: 'stream-guard', rule_type: 'content_filter' } });
    expect(await upstream.seen[0]?.closed).toBe(true);
  });

  it('truncates a long Anthropic stream with stop_reason max_tokens and cuts the upstream', async () => {
    upstream.script = { pieces: ['a ', 'b ', 'c ', 'd ', 'e ', 'f ', 'g ', 'h ', 'i '], hold: true };
    const { events } = await postMessages();
    expect(textOf(events)).toBe('a b c d e f ');
    expect(events.slice(-3).map((e) => e.type)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    expect(events.at(-2)).toMatchObject({ delta: { stop_reason: 'max_tokens' } });
    expect(await upstream.seen[0]?.closed).toBe(true);
    await expect.poll(async () => (await h.auditRecords()).at(-1)).toMatchObject({
      status: 200,
      policy: expect.arrayContaining([expect.objectContaining({ rule_type: 'response_length', action: 'truncate', direction: 'response' })]),
    });
  });
});
