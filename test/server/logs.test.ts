// /logs history and live /logs/stream* over a real socket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogHub, type LogListener } from '../../src/shared/log-hub.js';
import { makeModel } from '../helpers/model-config.js';
import { startHarness, type ErrorBody, type Harness } from './harness.js';
import { waitFor } from '../helpers/wait-for.js';

/** Counts live subscriptions, so tests can see a disconnected stream unsubscribe. */
class CountingHub extends LogHub {
  subscribers = 0;
  override subscribe(channel: string, listener: LogListener): () => void {
    this.subscribers++;
    const unsubscribe = super.subscribe(channel, listener);
    let done = false;
    return () => {
      if (!done) this.subscribers--;
      done = true;
      unsubscribe();
    };
  }
}

async function openStream(url: string): Promise<{ next: (until: (text: string) => boolean) => Promise<string>; close: () => Promise<void> }> {
  const controller = new AbortController();
  const res = await fetch(url, { signal: controller.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  return {
    async next(until) {
      while (!until(text)) {
        const { done, value } = await reader.read();
        if (done) throw new Error(`log stream ended; got ${text}`);
        text += decoder.decode(value, { stream: true });
      }
      return text;
    },
    close: async () => {
      controller.abort();
      await reader.cancel().catch(() => undefined); // already aborted: nothing left to cancel
    },
  };
}

describe('log routes', () => {
  const hub = new CountingHub();
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ models: [makeModel('m', { aliases: ['m-alias'] })], hub });
    hub.upstream('m', 'upstream says hi');
  });
  afterAll(() => h.close());

  it('GET /logs returns proxy and upstream history as plain text', async () => {
    await (await h.request('/health', { headers: { 'x-request-id': 'for-the-logs' } })).text();
    // Over a socket the request line is written once the response has closed, not before fetch resolves.
    await waitFor(() => h.requestLine('for-the-logs') !== undefined, { what: 'the /health request line' });
    const res = await h.request('/logs');
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('[m] upstream says hi');
    expect(hub.history('proxy').length).toBeGreaterThan(0);
    expect(text).toContain(hub.history('proxy')[0]);
  });

  it('streams history first, then live lines, and unsubscribes when the client leaves', async () => {
    const stream = await openStream(`${h.url}/logs/stream`);
    await stream.next((t) => t.includes('[m] upstream says hi'));
    hub.upstream('m', 'live upstream line');
    hub.proxy('live proxy line');
    const text = await stream.next((t) => t.includes('live upstream line') && t.includes('live proxy line'));
    expect(text.indexOf('upstream says hi')).toBeLessThan(text.indexOf('live upstream line'));
    expect(hub.subscribers).toBe(2);
    await stream.close();
    await waitFor(() => hub.subscribers === 0, { what: 'log stream unsubscribe' });
  });

  it('streams one channel, with ?no-history skipping the past', async () => {
    const upstream = await openStream(`${h.url}/logs/stream/upstream?no-history`);
    const model = await openStream(`${h.url}/logs/stream/m-alias`);
    await model.next((t) => t.includes('upstream says hi'));
    await waitFor(() => hub.subscribers === 2, { what: 'subscriptions' });
    hub.upstream('m', 'fresh');
    expect(await upstream.next((t) => t.includes('fresh'))).toBe('[m] fresh\n');
    expect(await model.next((t) => t.includes('fresh'))).toMatch(/upstream says hi\n[^]*fresh\n$/);
    await upstream.close();
    await model.close();
    const proxy = await openStream(`${h.url}/logs/stream/proxy`);
    await proxy.next((t) => t.includes('"msg":"request"'));
    await proxy.close();
  });

  it('answers 400 for a log stream of an unknown model', async () => {
    const res = await h.request('/logs/stream/nope');
    expect(res.status).toBe(400);
    expect((await res.json() as ErrorBody).error.message).toContain('"nope"');
  });
});
