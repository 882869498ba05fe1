// The web UI's routes over a real socket: the shell and hashed assets (a small build written here,
// so the unit project needs no `npm run build`) with their CSP, caching, ETag/304 and encoding
// negotiation; the "not built" note; /ui/api/models and what API keys let through.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiKeyConfig, Config, ModelConfig, PeerConfig } from '../../src/config/types.js';
import { createApp } from '../../src/server/app.js';
import { startServer, type RunningServer } from '../../src/server/start-server.js';
import type { UiModelsResponse } from '../../src/server/ui/ui-models.js';
import { LogHub } from '../../src/shared/log-hub.js';
import { silentLogger } from '../../src/shared/logger.js';
import { makeConfig, makeModel } from '../helpers/model-config.js';
import { StubSupervisor } from '../server/stub-supervisor.js';

const PEER: PeerConfig = { id: 'remote', proxy: 'http://127.0.0.1:9', models: ['big'], apiKey: null, filters: { stripParams: [], setParams: {}, setParamsByID: {} } };
const key = (k: string, name: string, admin: boolean, models: string[] | null = null): ApiKeyConfig => ({ key: k, name, models, requestsPerMinute: null, admin });
const SCRIPT = `console.log(${JSON.stringify('swapgate '.repeat(200))});\n`;
const SHELL = '<!doctype html><title>swapgate</title><script type="module" src="assets/app-abc123.js"></script>\n';

/** A build as scripts/bundle-ui.mjs lays it out: index.html, assets/ with .gz and .br beside each file. */
async function writeBuild(dir: string): Promise<void> {
  await mkdir(join(dir, 'assets'), { recursive: true });
  await writeFile(join(dir, 'index.html'), SHELL);
  const js = join(dir, 'assets', 'app-abc123.js');
  await writeFile(js, SCRIPT);
  await writeFile(`${js}.gz`, gzipSync(SCRIPT));
  await writeFile(`${js}.br`, brotliCompressSync(SCRIPT));
  await writeFile(join(dir, 'assets', 'app-abc123.css'), 'body{margin:0}');
}

interface Served {
  readonly url: string;
  readonly stub: StubSupervisor;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

async function serve(models: ModelConfig[], config: Partial<Config>, uiDir: string | null): Promise<Served> {
  const full = makeConfig(models, config);
  const hub = new LogHub();
  const stub = new StubSupervisor(full, {}, hub);
  const swapgate = createApp({ config: full, supervisor: stub, logger: silentLogger(), hub, uiDir });
  const server: RunningServer = await startServer(swapgate, { host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${server.port}`;
  return {
    url,
    stub,
    get: (path, headers = {}) => fetch(`${url}${path}`, { redirect: 'manual', headers }),
    async close() {
      await server.close();
      swapgate.close();
      await stub.shutdown();
    },
  };
}

let buildDir: string;
beforeAll(async () => {
  buildDir = await mkdtemp(join(tmpdir(), 'swapgate-ui-build-'));
  await writeBuild(buildDir);
});
afterAll(() => rm(buildDir, { recursive: true, force: true }));

describe('the UI shell and assets', () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve([makeModel('zeta')], { apiKeys: [key('sk-user', 'user', false), key('sk-admin', 'admin', true)] }, buildDir);
  });
  afterAll(() => s.close());

  it('redirects / and /ui to /ui/, without a key', async () => {
    expect([(await s.get('/')).status, (await s.get('/')).headers.get('location')]).toEqual([302, '/ui/']);
    expect([(await s.get('/ui')).status, (await s.get('/ui')).headers.get('location')]).toEqual([301, '/ui/']);
  });

  it('serves the data-free shell without a key, revalidated by ETag, under a CSP allowing only its own files', async () => {
    const res = await s.get('/ui/', { 'accept-encoding': 'identity' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(SHELL);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const csp = (res.headers.get('content-security-policy') ?? '').split('; ');
    expect(csp).toEqual(expect.arrayContaining(["default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"]));
    expect(csp.join(';')).not.toMatch(/unsafe-|\*/);
    const etag = res.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await s.get('/ui/', { 'accept-encoding': 'identity', 'if-none-match': etag });
    expect([again.status, again.headers.get('etag'), await again.text()]).toEqual([304, etag, '']);
  });

  it('serves a hashed asset as immutable, in the best encoding the client accepts, each with its own ETag', async () => {
    const plain = await s.get('/ui/assets/app-abc123.js', { 'accept-encoding': 'identity' });
    expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(plain.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(plain.headers.get('vary')).toBe('accept-encoding');
    expect(await plain.text()).toBe(SCRIPT);

    // node's fetch decodes what it asked for; read the raw bytes through a client that does not.
    const raw = async (acceptEncoding: string): Promise<{ encoding: string | null; etag: string | null; body: Buffer }> => {
      const { request } = await import('node:http');
      return new Promise((resolve, reject) => {
        request(`${s.url}/ui/assets/app-abc123.js`, { headers: { 'accept-encoding': acceptEncoding } }, (res) => {
          const parts: Buffer[] = [];
          res.on('data', (part: Buffer) => parts.push(part)).on('end', () => resolve({ encoding: res.headers['content-encoding'] ?? null, etag: res.headers.etag ?? null, body: Buffer.concat(parts) }));
        }).on('error', reject).end();
      });
    };
    const br = await raw('gzip, deflate, br');
    expect(br.encoding).toBe('br');
    expect(brotliDecompressSync(br.body).toString()).toBe(SCRIPT);
    const gz = await raw('gzip;q=1, br;q=0');
    expect(gz.encoding).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe(SCRIPT);
    expect(gz.body.length).toBeLessThan(SCRIPT.length / 10);
    expect(new Set([plain.headers.get('etag'), br.etag, gz.etag]).size).toBe(3);
    const cached = await s.get('/ui/assets/app-abc123.js', { 'accept-encoding': 'gzip', 'if-none-match': gz.etag ?? '' });
    expect(cached.status).toBe(304);

    const css = await s.get('/ui/assets/app-abc123.css');
    expect([css.status, css.headers.get('content-type')]).toEqual([200, 'text/css; charset=utf-8']);
    expect((await s.get('/ui/assets/app-missing.js')).status).toBe(404);
    expect((await s.get('/ui/assets/app-abc123.js.gz')).status).toBe(404);
  });

  it('says the UI is not built when dist/ui is missing, and the daemon still works', async () => {
    const bare = await serve([makeModel('zeta')], {}, null);
    try {
      const res = await bare.get('/ui/');
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('npm run build');
      expect((await bare.get('/ui/assets/app-abc123.js')).status).toBe(404);
      expect((await bare.get('/health')).status).toBe(200);
    } finally {
      await bare.close();
    }
  });

  it('keeps /ui/api/models for admin keys', async () => {
    expect((await s.get('/ui/api/models')).status).toBe(401);
    expect((await s.get('/ui/api/models', { authorization: 'Bearer sk-user' })).status).toBe(403);
    expect((await s.get('/ui/api/models', { authorization: 'Bearer sk-admin' })).status).toBe(200);
  });
});

describe('/ui/api/models', () => {
  let s: Served;
  beforeAll(async () => {
    const models = [makeModel('zeta', { name: 'Zeta 7B', aliases: ['z'], ttlMs: 60_000, groupId: 'pair' }), makeModel('hidden', { unlisted: true })];
    const groups = [{ id: 'pair', swap: true, exclusive: false, persistent: true, members: ['zeta'], implicit: false }];
    s = await serve(models, { peers: [PEER], groups }, buildDir);
  });
  afterAll(() => s.close());

  const read = async (): Promise<UiModelsResponse> => (await (await s.get('/ui/api/models')).json()) as UiModelsResponse;

  it('lists every model (unlisted too) with its group, then the peers, and the groups', async () => {
    const before = Date.now();
    const body = await read();
    expect(body.nowMs).toBeGreaterThanOrEqual(before);
    expect(body.groups.map((g) => [g.id, g.swap, g.exclusive, g.persistent, g.implicit])).toEqual([
      ['pair', true, false, true, false],
      ['(default)', true, true, false, true],
    ]);
    expect(body.models.map((m) => [m.id, m.groupId, m.peer, m.state, m.unlisted])).toEqual([
      ['zeta', 'pair', null, 'stopped', false],
      ['hidden', '(default)', null, 'stopped', true],
      ['remote/big', null, 'remote', null, false],
    ]);
    expect(body.models[0]).toMatchObject({ name: 'Zeta 7B', aliases: ['z'], ttlMs: 60_000, pid: null, port: null, readyAtMs: null, idleSinceMs: null, lastFailure: null });
  });

  it('tells pid, port, the start time and when the TTL clock started once a model is ready', async () => {
    const at = Date.now();
    s.stub.emit('state', { modelId: 'zeta', from: 'stopped', to: 'starting', reason: 'request', at, pid: null });
    await s.stub.load('zeta');
    s.stub.emit('state', { modelId: 'zeta', from: 'starting', to: 'ready', reason: 'request', at, pid: null });
    const zeta = (await read()).models[0];
    expect(zeta).toMatchObject({ state: 'ready', pid: s.stub.fake('zeta').pid, port: s.stub.fake('zeta').port, inFlight: 0 });
    expect(zeta?.lastStartMs).toBeGreaterThanOrEqual(0);
    expect(zeta?.startingAtMs).toBeGreaterThanOrEqual(at);
    expect(zeta?.readyAtMs).toBeGreaterThanOrEqual(zeta?.startingAtMs ?? Infinity);
    expect(zeta?.idleSinceMs).toBe(zeta?.readyAtMs);
    await s.stub.unload('zeta');
    s.stub.emit('state', { modelId: 'zeta', from: 'ready', to: 'stopped', reason: 'unload', at, pid: null });
    expect((await read()).models[0]).toMatchObject({ state: 'stopped', readyAtMs: null, startingAtMs: null, idleSinceMs: null });
  });
});
