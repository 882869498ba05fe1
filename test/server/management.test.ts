// Model list, /running, load/unload, /upstream passthrough, health and UI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeModel } from '../helpers/model-config.js';
import { readJson, startHarness, type EchoBody, type ErrorBody, type Harness } from './harness.js';
import { waitFor } from '../helpers/wait-for.js';

interface ListedModel {
  id: string;
  object: string;
  created: number;
  owned_by: string;
  name?: string;
  description?: string;
  meta: Record<string, unknown>;
  status: string;
}
interface ModelList {
  object: string;
  data: ListedModel[];
}
interface Running {
  running: { model: string; state: string; cmd: string; proxy: string; ttl: number; name: string | null; pid: number; port: number }[];
}

describe('management routes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      models: [
        makeModel('zeta', { name: 'Zeta 7B', description: 'small', metadata: { family: 'z' }, aliases: ['z'], ttlMs: 60_000 }),
        makeModel('alpha'),
        makeModel('org/model', { aliases: ['org/alias'] }),
        makeModel('org'),
        makeModel('hidden', { unlisted: true }),
      ],
      stub: { 'org/model': { basePath: '/echo' }, org: { basePath: '/echo/org-root' }, alpha: { basePath: '/echo' } },
    });
  });
  afterAll(() => h.close());

  it('lists models sorted by id with status, metadata and aliases; unlisted ones hidden', async () => {
    for (const path of ['/v1/models', '/models']) {
      const list = await readJson<ModelList>(await h.request(path));
      expect(list.object).toBe('list');
      expect(list.data.map((m) => m.id)).toEqual(['alpha', 'org', 'org/model', 'zeta']);
      expect(list.data.find((m) => m.id === 'zeta')).toEqual({
        id: 'zeta',
        object: 'model',
        created: h.config.loadedAtSec,
        owned_by: 'swapgate',
        name: 'Zeta 7B',
        description: 'small',
        meta: { family: 'z', aliases: ['z'] },
        status: 'unloaded',
      });
      expect(list.data.find((m) => m.id === 'alpha')).not.toHaveProperty('name');
    }
  });

  it('adds alias entries with includeAliasesInList', async () => {
    const withAliases = await startHarness({ models: [makeModel('m', { aliases: ['a1'] })], config: { includeAliasesInList: true } });
    try {
      const list = await readJson<ModelList>(await withAliases.request('/v1/models'));
      expect(list.data.map((m) => m.id)).toEqual(['a1', 'm']);
      expect(list.data[0]?.meta).toMatchObject({ alias_of: 'm' });
    } finally {
      await withAliases.close();
    }
  });

  it('loads by alias, shows it loaded and running, unloads it again', async () => {
    const loaded = await h.request('/api/models/load/z', { method: 'POST' });
    expect(loaded.status).toBe(200);
    expect(await loaded.text()).toBe('OK');
    const list = await readJson<ModelList>(await h.request('/v1/models'));
    expect(list.data.find((m) => m.id === 'zeta')?.status).toBe('loaded');

    const running = await readJson<Running>(await h.request('/running'));
    const fake = h.stub.fake('zeta');
    expect(running.running).toHaveLength(1);
    expect(running.running[0]).toMatchObject({ model: 'zeta', state: 'ready', proxy: fake.baseUrl, ttl: 60, name: 'Zeta 7B', pid: fake.pid, port: fake.port });
    expect(running.running[0]?.cmd).toContain('--model zeta');

    const unloaded = await h.request('/api/models/unload/zeta', { method: 'POST' });
    expect(unloaded.status).toBe(200);
    expect(h.stub.status('zeta').state).toBe('stopped');
    expect((await readJson<Running>(await h.request('/running'))).running).toEqual([]);
  });

  it('shows "loading" while a start is in progress', async () => {
    const release = h.stub.holdStart('alpha');
    const loading = h.request('/api/models/load/alpha', { method: 'POST' });
    await waitFor(() => h.stub.status('alpha').state === 'starting', { what: 'the load request to start alpha' });
    const list = await readJson<ModelList>(await h.request('/v1/models'));
    expect(list.data.find((m) => m.id === 'alpha')?.status).toBe('loading');
    release();
    expect((await loading).status).toBe(200);
  });

  it('resolves ids with "/" on load/unload, 404s unknown ones, and reports start errors', async () => {
    expect((await h.request('/api/models/load/org/alias', { method: 'POST' })).status).toBe(200);
    expect(h.stub.status('org/model').state).toBe('ready');
    const unknown = await h.request('/api/models/unload/nope/x', { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect((await readJson<ErrorBody>(unknown)).error.code).toBe('model_not_found');
    const unknownLoad = await h.request('/api/models/load/ghost', { method: 'POST' });
    expect(unknownLoad.status).toBe(404);

    const all = await h.request('/api/models/unload', { method: 'POST' });
    expect(all.status).toBe(200);
    expect(h.stub.statuses().every((s) => s.state === 'stopped')).toBe(true);
  });

  it('/upstream passes through to the model (starting it), preserving path encoding and query', async () => {
    const res = await fetch(`${h.url}/upstream/alpha/a%20b/c?x=%2F&y=1`);
    expect(res.status).toBe(200);
    expect((await readJson<EchoBody>(res)).path).toBe('/echo/a%20b/c?x=%2F&y=1');
    const put = await readJson<EchoBody>(await fetch(`${h.url}/upstream/alpha/`, { method: 'PUT', body: 'payload' }));
    expect(put).toMatchObject({ method: 'PUT', path: '/echo/', body: 'payload' });
  });

  it('/upstream picks the longest model id (or alias) prefix', async () => {
    expect((await readJson<EchoBody>(await fetch(`${h.url}/upstream/org/model/v1/x`))).path).toBe('/echo/v1/x');
    expect((await readJson<EchoBody>(await fetch(`${h.url}/upstream/org/alias/v1/x`))).path).toBe('/echo/v1/x');
    expect((await readJson<EchoBody>(await fetch(`${h.url}/upstream/org/v1/x`))).path).toBe('/echo/org-root/v1/x');
    const unknown = await h.request('/upstream/nobody/x');
    expect(unknown.status).toBe(404);
  });

  it('/upstream/<model> without a trailing slash redirects, keeping the query', async () => {
    const res = await h.request('/upstream/org/model?a=1');
    expect(res.status).toBe(308);
    expect(res.headers.get('location')).toBe('/upstream/org/model/?a=1');
  });

  it('answers /health without ceremony, redirects / to the UI, renders the UI', async () => {
    const health = await h.request('/health');
    expect(health.status).toBe(200);
    expect(await health.text()).toBe('OK');
    const root = await h.request('/');
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/ui/');
    const ui = await h.request('/ui/');
    expect(ui.headers.get('content-type')).toContain('text/html');
    // The page is a static shell (built into dist/ui, or a "not built" note): test/ui/ui-routes.test.ts.
    expect(await ui.text()).toContain('<title>swapgate</title>');
  });
});
