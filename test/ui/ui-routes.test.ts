// The web UI's routes over a real socket: the static page and its headers, the /ui/events
// model-state stream, and what API keys let through.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiKeyConfig, PeerConfig } from '../../src/config/types.js';
import type { ModelEvent } from '../../src/server/ui/model-events.js';
import { makeModel } from '../helpers/model-config.js';
import { waitFor } from '../helpers/wait-for.js';
import { startHarness, type Harness } from '../server/harness.js';

const PEER: PeerConfig = {
  id: 'remote',
  proxy: 'http://127.0.0.1:9',
  models: ['big'],
  apiKey: null,
  filters: { stripParams: [], setParams: {}, setParamsByID: {} },
};
const key = (k: string, name: string, admin: boolean): ApiKeyConfig => ({ key: k, name, models: null, requestsPerMinute: null, admin });

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** The text between <tag> and </tag> (the page has one of each). */
function getInline(html: string, tag: 'script' | 'style'): string {
  const match = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(html);
  if (match === null) throw new Error(`no inline <${tag}> in the page`);
  return match[1] ?? '';
}

/** Reads NDJSON events from a streamed response, one at a time. */
function readEvents(res: Response): { next: () => Promise<ModelEvent | null>; close: () => Promise<void> } {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let pending = '';
  return {
    async next() {
      while (!pending.includes('\n')) {
        const { done, value } = await reader.read();
        if (done) return null;
        pending += decoder.decode(value, { stream: true });
      }
      const at = pending.indexOf('\n');
      const line = pending.slice(0, at);
      pending = pending.slice(at + 1);
      return JSON.parse(line) as ModelEvent;
    },
    close: () => reader.cancel(),
  };
}

/** The app's own 'state' listeners: the pipeline's (idle sockets of a stopping model) and the activity/metrics one. */
const APP_LISTENERS = 2;

describe('UI page', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      models: [makeModel('zeta', { name: 'Zeta 7B', aliases: ['z'] }), makeModel('secret-model', { unlisted: true })],
      config: { peers: [PEER] },
    });
  });
  afterAll(() => h.close());

  it('redirects / and /ui to /ui/', async () => {
    const root = await h.request('/');
    expect([root.status, root.headers.get('location')]).toEqual([302, '/ui/']);
    const ui = await h.request('/ui');
    expect([ui.status, ui.headers.get('location')]).toEqual([301, '/ui/']);
  });

  it('serves a data-free page whose CSP allows exactly its own inline script and style', async () => {
    const res = await h.request('/ui/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const html = await res.text();
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(html)));
    const csp = (res.headers.get('content-security-policy') ?? '').split(/;\s*/);
    expect(csp).toEqual(
      expect.arrayContaining([
        "default-src 'none'",
        `script-src ${sha256(getInline(html, 'script'))}`,
        `style-src ${sha256(getInline(html, 'style'))}`,
        "connect-src 'self'",
        "frame-ancestors 'none'",
      ]),
    );
    expect(csp.join(';')).not.toMatch(/unsafe-|\*/);
    expect(html).not.toContain('zeta'); // models come from /ui/events, with the user's key
    expect(() => new Function(getInline(html, 'script'))).not.toThrow();
  });

  it('/ui/events sends the listed models with their states, then each state change', async () => {
    const res = await fetch(`${h.url}/ui/events`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    const events = readEvents(res);
    expect(await events.next()).toEqual({
      type: 'snapshot',
      models: [
        { id: 'remote/big', name: null, description: null, aliases: [], peer: 'remote', state: null, lastFailure: null },
        { id: 'zeta', name: 'Zeta 7B', description: null, aliases: ['z'], peer: null, state: 'stopped', lastFailure: null },
      ],
    });
    expect(h.stub.listenerCount('state')).toBe(APP_LISTENERS + 1); // the app's own listeners and this stream's
    h.stub.emit('state', { modelId: 'zeta', from: 'stopped', to: 'starting', reason: 'request', at: 1, pid: null });
    expect(await events.next()).toEqual({ type: 'state', model: 'zeta', from: 'stopped', to: 'starting', reason: 'request', lastFailure: null });
    await events.close();
    await waitFor(() => h.stub.listenerCount('state') === APP_LISTENERS, { what: 'the stream to stop listening after the client left' });
  });

  it('/ui/events ends when the supervisor shuts down, so the page reconnects to the next one', async () => {
    const events = readEvents(await fetch(`${h.url}/ui/events`));
    expect((await events.next())?.type).toBe('snapshot');
    h.stub.emit('state', { modelId: 'zeta', from: 'stopped', to: 'shutdown', reason: 'shutdown', at: 1, pid: null });
    expect(await events.next()).toEqual({ type: 'state', model: 'zeta', from: 'stopped', to: 'shutdown', reason: 'shutdown', lastFailure: null });
    expect(await events.next()).toBeNull();
    expect(h.stub.listenerCount('state')).toBe(APP_LISTENERS);
  });

  it('/ui/events sends no state of a model left out of its snapshot, not even at shutdown', async () => {
    const events = readEvents(await fetch(`${h.url}/ui/events`));
    const snapshot = await events.next();
    expect(snapshot?.type === 'snapshot' && snapshot.models.map((m) => m.id)).toEqual(['remote/big', 'zeta']);
    h.stub.emit('state', { modelId: 'secret-model', from: 'stopped', to: 'starting', reason: 'request', at: 1, pid: null });
    h.stub.emit('state', { modelId: 'zeta', from: 'stopped', to: 'starting', reason: 'request', at: 2, pid: null });
    expect(await events.next()).toEqual({ type: 'state', model: 'zeta', from: 'stopped', to: 'starting', reason: 'request', lastFailure: null });
    h.stub.emit('state', { modelId: 'secret-model', from: 'starting', to: 'shutdown', reason: 'shutdown', at: 3, pid: null });
    expect(await events.next()).toBeNull(); // ended, so the page reconnects, without the hidden id
    expect(h.stub.listenerCount('state')).toBe(APP_LISTENERS);
  });
});

describe('UI with peers only', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ models: [], config: { peers: [PEER] } });
  });
  afterAll(() => h.close());

  it('/ui/events ends when the daemon shuts down (hub end), so an open tab does not hold the exit', async () => {
    const events = readEvents(await fetch(`${h.url}/ui/events`));
    expect(await events.next()).toEqual({
      type: 'snapshot',
      models: [{ id: 'remote/big', name: null, description: null, aliases: [], peer: 'remote', state: null, lastFailure: null }],
    });
    expect(h.stub.listenerCount('state')).toBe(APP_LISTENERS + 1);
    h.hub.end();
    expect(await events.next()).toBeNull();
    expect(h.stub.listenerCount('state')).toBe(APP_LISTENERS);
  });
});

describe('UI with API keys', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      models: [makeModel('zeta'), makeModel('eta', { aliases: ['e'] })],
      config: {
        apiKeys: [key('sk-user', 'user', false), key('sk-admin', 'admin', true), { ...key('sk-eta', 'eta-only', false), models: ['e'] }],
      },
    });
  });
  afterAll(() => h.close());

  it('serves the page shell without a key, so the user can paste one', async () => {
    for (const path of ['/', '/ui', '/ui/']) {
      const res = await h.request(path);
      expect(res.status, `GET ${path} without a key (exempt it from API keys in governance-middleware.ts)`).toBeLessThan(400);
    }
  });

  // Any key: a scoped key sees only its models; an admin key sees every listed model, with or
  // without `models`, because the UI is where an admin manages them.
  it('/ui/events needs a key, any key', async () => {
    expect((await h.request('/ui/events')).status).toBe(401);
    const res = await h.request('/ui/events', { headers: { authorization: 'Bearer sk-user' } });
    expect(res.status).toBe(200);
    const events = readEvents(res);
    expect((await events.next())?.type).toBe('snapshot');
    await events.close();
  });

  it('/ui/events shows a scoped key only its models (by id or alias), an admin key every model', async () => {
    const idsFor = async (k: string): Promise<string[]> => {
      const events = readEvents(await h.request('/ui/events', { headers: { authorization: `Bearer ${k}` } }));
      const first = await events.next();
      await events.close();
      return first?.type === 'snapshot' ? first.models.map((m) => m.id) : [];
    };
    expect(await idsFor('sk-eta')).toEqual(['eta']);
    expect(await idsFor('sk-user')).toEqual(['eta', 'zeta']);
    expect(await idsFor('sk-admin')).toEqual(['eta', 'zeta']);
  });

  it('/ui/events sends a scoped key the state changes of its models only', async () => {
    const events = readEvents(await h.request('/ui/events', { headers: { authorization: 'Bearer sk-eta' } }));
    expect((await events.next())?.type).toBe('snapshot');
    h.stub.emit('state', { modelId: 'zeta', from: 'stopped', to: 'starting', reason: 'request', at: 1, pid: null });
    h.stub.emit('state', { modelId: 'eta', from: 'stopped', to: 'starting', reason: 'request', at: 2, pid: null });
    expect(await events.next()).toEqual({ type: 'state', model: 'eta', from: 'stopped', to: 'starting', reason: 'request', lastFailure: null });
    await events.close();
  });
});
