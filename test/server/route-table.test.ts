// Every route declares who may call it, next to its path; management routes need an admin key,
// only the health check and the UI's page shell and static assets are public. And only one function in src/
// builds the error body clients see.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.js';
import { LogHub } from '../../src/shared/log-hub.js';
import { silentLogger } from '../../src/shared/logger.js';
import { makeConfig, makeModel } from '../helpers/model-config.js';
import { REPO_ROOT } from '../helpers/daemon.js';
import { StubSupervisor } from './stub-supervisor.js';

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]));
}

describe('route table', () => {
  const config = makeConfig([makeModel('m')]);
  const hub = new LogHub();
  const swapgate = createApp({ config, supervisor: new StubSupervisor(config, {}, hub), logger: silentLogger(), hub });
  swapgate.close();
  const byAuth = (auth: string): string[] => swapgate.routes.filter((r) => r.auth === auth).map((r) => `${r.method} ${r.path}`);

  it('declares an auth rule on every route', () => {
    for (const route of swapgate.routes) expect(['public', 'key', 'admin'], `${route.method} ${route.path}`).toContain(route.auth);
    expect(new Set(swapgate.routes.map((r) => `${r.method} ${r.path}`)).size).toBe(swapgate.routes.length);
  });

  it('keeps only the health check and the page shell public, and management behind admin keys', () => {
    expect(byAuth('public').sort()).toEqual(['GET /', 'GET /health', 'GET /ui', 'GET /ui/', 'GET /ui/assets/*']);
    expect(byAuth('admin').sort()).toEqual([
      'GET /api/events',
      'GET /api/metrics/activity',
      'GET /api/metrics/stats',
      'GET /api/performance',
      'GET /logs',
      'GET /logs/stream',
      'GET /logs/stream/*',
      'GET /logs/stream/proxy',
      'GET /logs/stream/upstream',
      'GET /metrics',
      'GET /running',
      'POST /api/inflight/*',
      'POST /api/models/load/*',
      'POST /api/models/unload',
      'POST /api/models/unload/*',
      'GET /ui/api/models',
    ].sort());
    const audited = swapgate.routes.flatMap((r) => ('admin' in r && r.admin !== undefined ? [[r.path, r.admin]] : []));
    expect(audited).toEqual([
      ['/api/models/unload', 'unload_all'],
      ['/api/models/unload/*', 'unload'],
      ['/api/models/load/*', 'load'],
    ]);
  });

  it('builds the error body in one place only', () => {
    const builders = listFiles(join(REPO_ROOT, 'src'))
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
      .filter((file) => /src: 'swapgate'/.test(readFileSync(file, 'utf8')))
      .map((file) => file.slice(REPO_ROOT.length));
    expect(builders).toEqual(['src/shared/errors.ts']);
  });
});
