// startServer: real sockets on port 0, per-request headers on every kind of response, app
// replacement (config reload) and close() with a stream still open.
import { afterEach, describe, expect, it } from 'vitest';
import { makeModel } from '../helpers/model-config.js';
import { startServer } from '../../src/server/start-server.js';
import { readJson, startHarness, type ErrorBody, type Harness } from './harness.js';

describe('startServer', () => {
  const harnesses: Harness[] = [];
  afterEach(async () => {
    for (const h of harnesses.splice(0)) await h.close();
  });

  it('adds X-Request-ID and CORS headers to generated, error and proxied responses alike', async () => {
    const h = await startHarness({ models: [makeModel('m')] });
    harnesses.push(h);
    const headers = { origin: 'https://ui.example', 'x-request-id': 'same-id' };
    const list = await fetch(`${h.url}/v1/models`, { headers });
    const missing = await fetch(`${h.url}/v1/chat/completions`, { method: 'POST', headers, body: '{"model":"nope"}' });
    const proxied = await fetch(`${h.url}/v1/chat/completions`, { method: 'POST', headers, body: '{"model":"m"}' });
    for (const res of [list, missing, proxied]) {
      expect(res.headers.get('x-request-id')).toBe('same-id');
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
    }
    expect(missing.status).toBe(404);
    expect((await readJson<ErrorBody>(missing)).src).toBe('swapgate');
    expect(proxied.status).toBe(200);
    expect(list.headers.get('content-length')).toBe(String((await list.text()).length));
  });

  it('serves new requests with a replacement app', async () => {
    const first = await startHarness({ models: [makeModel('old')] });
    const second = await startHarness({ models: [makeModel('new')] });
    harnesses.push(first, second);
    const ids = async (): Promise<string[]> =>
      (await readJson<{ data: { id: string }[] }>(await fetch(`${first.url}/v1/models`))).data.map((m) => m.id);
    expect(await ids()).toEqual(['old']);
    first.server.replaceApp(second.swapgate.app);
    expect(await ids()).toEqual(['new']);
  });

  it('close() ends open streams instead of waiting for them', async () => {
    const h = await startHarness({ models: [] });
    harnesses.push(h);
    const server = await startServer(h.swapgate, { host: '127.0.0.1', port: 0 });
    const res = await fetch(`http://127.0.0.1:${server.port}/logs/stream`);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await server.close();
    let ended = false;
    while (!ended) ended = await reader.read().then((r) => r.done, () => true);
    expect(ended).toBe(true);
  });
});
