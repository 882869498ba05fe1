// Policies on the running daemon, driven by the official openai client: request redaction
// reaches the upstream (the fake echoes what it got), a block never starts the model, monitor
// changes nothing, the max_tokens clamp, and non-streamed answers inspected on the way back.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PolicyConfig } from '../../src/config/types.js';
import { makeModel } from '../helpers/model-config.js';
import { readJson, type EchoBody, type ErrorBody } from '../server/harness.js';
import { startGoverned, type GovernedHarness } from './governance-harness.js';

const POLICIES: PolicyConfig[] = [
  {
    id: 'privacy',
    description: null,
    models: ['chat'],
    rules: [
      { type: 'pii_detection', action: 'redact', appliesTo: ['request'], patterns: ['email'] },
      { type: 'pii_detection', action: 'redact', appliesTo: ['response'], patterns: ['phone'] },
      { type: 'content_filter', action: 'block', appliesTo: ['request'], categories: [], terms: ['project-x'] },
      { type: 'content_filter', action: 'block', appliesTo: ['response'], terms: ['zorglub'], categories: [] },
      { type: 'content_filter', action: 'monitor', appliesTo: ['request'], terms: ['watchword'], categories: [] },
    ],
  },
  { id: 'short', description: null, models: ['echo'], rules: [{ type: 'response_length', action: 'truncate', appliesTo: ['response'], maxTokens: 64 }] },
];

describe('request and response policies (openai SDK)', () => {
  let h: GovernedHarness;
  let client: OpenAI;
  beforeAll(async () => {
    h = await startGoverned({
      models: [makeModel('chat', { aliases: ['gpt-4o-mini'] }), makeModel('echo')],
      stub: { echo: { basePath: '/echo' } },
      config: { policies: POLICIES },
      audit: {},
    });
    client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(() => h.close());

  it('blocks before the model is started: BadRequestError policy_violation, 0 starts, audit record already on disk', async () => {
    const error = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'tell me about project-x' }] })
      .catch((e: unknown) => e);
    // Read at once: the record was flushed before the 400 was sent.
    const records = await h.auditRecords();
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    const bad = error as InstanceType<typeof OpenAI.BadRequestError>;
    expect(bad.status).toBe(400);
    expect(bad.type).toBe('policy_violation');
    expect(bad.code).toBe('policy_violation');
    expect(bad.error).toMatchObject({ policy_id: 'privacy', rule_type: 'content_filter' });
    expect(bad.message).not.toContain('project-x');
    expect(h.stub.acquired).toEqual([]);
    expect(h.stub.status('chat')).toMatchObject({ state: 'stopped', lastStartMs: null });

    const blocked = records.find((r) => r.status === 400);
    expect(blocked).toMatchObject({ event: 'request', model: 'chat', route: '/v1/chat/completions', method: 'POST' });
    expect(blocked?.policy).toEqual([expect.objectContaining({ policy_id: 'privacy', rule_type: 'content_filter', action: 'block', direction: 'request' })]);
    expect(JSON.stringify(records)).not.toContain('project-x');
  });

  it('redacts an email in the request: the upstream only ever sees [REDACTED:email]', async () => {
    const completion = await client.chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: 'write to jane.doe@example.com today' }],
    });
    expect(completion.choices[0]?.message.content).toBe('chat says: write to [REDACTED:email] today');
  });

  it('monitor logs and audits the match but forwards the text unchanged', async () => {
    const completion = await client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'the watchword is here' }] });
    expect(completion.choices[0]?.message.content).toBe('chat says: the watchword is here');
    const id = completion._request_id;
    expect(id).toBeTruthy();
    const line = h.logs().find((l) => l.reqId === id && l.msg === 'policy applied');
    expect(line?.policy).toEqual([expect.objectContaining({ rule_type: 'content_filter', action: 'monitor', matches: 1 })]);
    await expect.poll(async () => (await h.auditRecords()).find((r) => r.request_id === id)).toMatchObject({
      status: 200,
      policy: [expect.objectContaining({ action: 'monitor', direction: 'request' })],
    });
  });

  it('redacts a non-streamed answer (response-only rule) and keeps a valid Content-Length', async () => {
    const res = await fetch(`${h.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'call 555-123-4567 now' }] }),
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    const body = JSON.parse(text) as OpenAI.ChatCompletion;
    expect(body.choices[0]?.message.content).toBe('chat says: call [REDACTED:phone] now');
  });

  it('redacts a held answer ending in the match', async () => {
    const res = await fetch(`${h.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'ring 555-123-4567' }] }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as OpenAI.ChatCompletion).choices[0]?.message.content).toBe('chat says: ring [REDACTED:phone]');
  });

  it('answers 400 policy_violation when the answer itself is blocked, with the record on disk first', async () => {
    const res = await fetch(`${h.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'x-request-id': 'answer-block' },
      body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'say zorglub' }] }),
    });
    const records = await h.auditRecords();
    expect(res.status).toBe(400);
    expect(await readJson<ErrorBody>(res)).toMatchObject({
      error: { type: 'policy_violation', code: 'policy_violation', policy_id: 'privacy', rule_type: 'content_filter' },
      src: 'swapgate',
    });
    expect(records.find((r) => r.request_id === 'answer-block')).toMatchObject({
      status: 400,
      policy: [expect.objectContaining({ action: 'block', direction: 'response' })],
    });
  });

  it('clamps max_tokens in the body sent upstream', async () => {
    const res = await fetch(`${h.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'echo', max_tokens: 1000, messages: [{ role: 'user', content: 'hi' }] }),
    });
    const echo = await readJson<EchoBody>(res);
    expect(JSON.parse(echo.body)).toMatchObject({ model: 'echo', max_tokens: 64 });
  });

  it('refuses response-governed requests whose answers it cannot read, before starting anything', async () => {
    const before = h.stub.acquired.length;
    const streamed = await fetch(`${h.url}/completion`, {
      method: 'POST',
      body: JSON.stringify({ model: 'chat', prompt: 'hi', stream: true }),
    });
    expect(streamed.status).toBe(400);
    const body = await readJson<ErrorBody>(streamed);
    expect(body.error).toMatchObject({ type: 'invalid_request_error', param: 'stream' });
    expect(body.error.message).toContain('cannot inspect streamed /completion');
    const llamaCpp = await fetch(`${h.url}/completion`, { method: 'POST', body: JSON.stringify({ model: 'chat', prompt: 'hi' }) });
    expect(llamaCpp.status).toBe(400);
    expect(h.stub.acquired.length).toBe(before);
  });
});
