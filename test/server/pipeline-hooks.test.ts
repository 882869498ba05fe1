// The pipeline's one hook interface, seen from outside over a real socket: what a hook may do
// at each stage (admit the caller, admit or refuse the model, rewrite the body, transform the
// answer, end a stream) and the one record every request finishes with.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FinishedRecord, PipelineHook, ResponseTransform } from '../../src/proxy/hooks.js';
import { PASS } from '../../src/proxy/hooks.js';
import { SwapgateError } from '../../src/shared/errors.js';
import { makeModel } from '../helpers/model-config.js';
import { waitFor } from '../helpers/wait-for.js';
import { readJson, startHarness, type EchoBody, type ErrorBody, type Harness } from './harness.js';

const records: FinishedRecord[] = [];
let mode: 'pass' | 'rewrite' | 'refuse' | 'upper' | 'first-chunk' = 'pass';

const upper: ResponseTransform = {
  holdsHead: false,
  changesLength: false,
  finished: false,
  push: (chunk) => Buffer.from(chunk.toString('latin1').toUpperCase(), 'latin1'),
  end: () => ({ chunks: [], error: null, notes: [{ kind: 'cache', result: 'miss' }], flush: false }),
  abort: () => [],
};

/** Lets the first chunk through, then ends the stream itself. */
function firstChunkOnly(): ResponseTransform {
  let seen = false;
  return {
    holdsHead: false,
    changesLength: true,
    get finished() {
      return seen;
    },
    push(chunk) {
      seen = true;
      return chunk;
    },
    end: () => ({ chunks: [Buffer.from('data: [DONE]\n\n')], error: null, notes: [], flush: false }),
    abort: () => [],
  };
}

const probe: PipelineHook = {
  name: 'probe',
  admitModel(call) {
    if (mode === 'rewrite' && call.body !== null) return { kind: 'pass', body: { ...call.body, added_by_hook: true }, headers: { 'x-probe': 'rewrote' } };
    if (mode === 'refuse') return { kind: 'refuse', error: new SwapgateError('forbidden', 'probe says no', { status: 403, type: 'permission_error' }) };
    if (mode === 'upper') return { kind: 'pass', wrap: () => upper };
    if (mode === 'first-chunk') return { kind: 'pass', wrap: (head) => (String(head.headers['content-type']).startsWith('text/event-stream') ? firstChunkOnly() : null) };
    return PASS;
  },
  onFinished(record) {
    records.push(record);
  },
};

const broken: PipelineHook = {
  name: 'broken',
  onFinished() {
    throw new Error('hook bug');
  },
};

const post = (h: Harness, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
  h.request('/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'hook-test', ...headers }, body: JSON.stringify(body) });

const recordOf = (id: string): Promise<FinishedRecord> =>
  waitFor(() => records.find((r) => r.facts.id === id), { what: `the finished record of ${id}` });

describe('pipeline hooks', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ models: [makeModel('echo'), makeModel('chat'), makeModel('chat2')], stub: { echo: { basePath: '/echo' } }, app: { hooks: [probe, broken] } });
  });
  afterAll(() => h.close());
  beforeEach(() => {
    records.length = 0;
    mode = 'pass';
  });

  it('finishes every request with one record (and a failing hook harms neither the request nor the others)', async () => {
    const res = await post(h, { model: 'echo', messages: [] }, { 'x-request-id': 'rec-1' });
    expect(res.status).toBe(200);
    const text = await res.text();
    const record = await recordOf('rec-1');
    expect(record).toMatchObject({ model: 'echo', inference: true, status: 200, aborted: false, bytes: Buffer.byteLength(text), flush: false });
    expect(record.facts).toMatchObject({ method: 'POST', path: '/v1/chat/completions' });
    expect(record.durationMs).toBeGreaterThan(0);
    await waitFor(() => h.logs().some((l) => l.msg === 'a finished-request hook failed' && l.hook === 'broken'), { what: 'the hook failure log line' });
    expect(h.requestLine('rec-1')).toMatchObject({ status: 200, model: 'echo' });
  });

  it('a hook may rewrite the body the upstream receives and add response headers', async () => {
    mode = 'rewrite';
    const res = await post(h, { model: 'echo', messages: [] });
    expect(res.headers.get('x-probe')).toBe('rewrote');
    const echo = await readJson<EchoBody>(res);
    expect(JSON.parse(echo.body)).toMatchObject({ model: 'echo', added_by_hook: true });
  });

  it('a refusal is answered as an OpenAI error and nothing reaches the upstream', async () => {
    mode = 'refuse';
    const res = await post(h, { model: 'echo', messages: [] }, { 'x-request-id': 'refused' });
    expect(res.status).toBe(403);
    const body = await readJson<ErrorBody>(res);
    expect(body).toMatchObject({ error: { message: 'probe says no', type: 'permission_error', code: 'forbidden' }, src: 'swapgate' });
    expect(h.stub.inFlight('echo')).toBe(0);
    expect(await recordOf('refused')).toMatchObject({ status: 403, inference: false, model: 'echo' });
  });

  it('a transform changes the answer on its way and its notes reach the record', async () => {
    mode = 'upper';
    const res = await post(h, { model: 'chat', messages: [{ role: 'user', content: 'quiet words' }] }, { 'x-request-id': 'upper' });
    expect(await res.text()).toContain('QUIET WORDS');
    // The usage hook (always on: the activity store reads it) saw the answer before the probe changed it.
    expect((await recordOf('upper')).notes).toEqual([{ kind: 'tokens', prompt: 2, completion: 4 }, { kind: 'cache', result: 'miss' }]);
  });

  it('a transform that ends a stream cuts the upstream and releases the model', async () => {
    mode = 'first-chunk';
    const res = await post(h, { model: 'chat', stream: true, fake_chunks: 50, fake_chunk_delay_ms: 20, messages: [] }, { 'x-request-id': 'cut' });
    const text = await res.text();
    expect(text.match(/^data: /gm)?.length).toBe(2);
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect((await recordOf('cut')).status).toBe(200);
    await waitFor(() => h.stub.inFlight('chat') === 0, { what: 'the lease to be released' });
  });

  it('records how a request ended: the upstream dying mid-stream, the client leaving', async () => {
    const res = await post(h, { model: 'chat', stream: true, fake_chunks: 200, fake_chunk_delay_ms: 10, messages: [] }, { 'x-request-id': 'died' });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await h.stub.crash('chat');
    await expect(reader.read().then(async function drain(r): Promise<unknown> { return r.done ? r : drain(await reader.read()); })).rejects.toThrow();
    expect(await recordOf('died')).toMatchObject({ status: 200, aborted: true, outcome: 'upstream_error' });

    const left = await post(h, { model: 'chat2', stream: true, fake_chunks: 200, fake_chunk_delay_ms: 10, messages: [] }, { 'x-request-id': 'left' });
    const leftReader = (left.body as ReadableStream<Uint8Array>).getReader();
    await leftReader.read();
    await leftReader.cancel();
    expect(await recordOf('left')).toMatchObject({ status: 200, aborted: true, outcome: 'aborted' });
    expect(h.requestLine('left')).toMatchObject({ aborted: true, outcome: 'aborted' });
  });
});
