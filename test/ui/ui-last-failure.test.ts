// A failed start is remembered: the supervisor's status and /ui/api/models read after the failed
// request still show when and why (with the log tail), until the model is next ready; then the
// model's pid, port, start time and TTL clock show instead.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.js';
import { startServer } from '../../src/server/start-server.js';
import type { UiModelDetail, UiModelsResponse } from '../../src/server/ui/ui-models.js';
import type { Supervisor } from '../../src/supervisor/types.js';
import { FAKE_UPSTREAM, makeConfig, makeModel } from '../helpers/model-config.js';
import { createRealSupervisor } from '../helpers/real-supervisor.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The fake upstream, but it exits with code 3 (saying why on stderr) until `marker` exists. */
function flakyCmd(marker: string): string[] {
  const script = [
    "import { existsSync } from 'node:fs';",
    "if (!existsSync(process.argv[1])) { console.error('no marker yet'); process.exit(3); }",
    `await import(${JSON.stringify(pathToFileURL(FAKE_UPSTREAM).href)});`,
  ].join('\n');
  return [process.execPath, '--input-type=module', '-e', script, marker, '--port', '${PORT}', '--model', 'flaky'];
}

async function startDaemonInProcess(marker: string): Promise<{ supervisor: Supervisor; snapshot: () => Promise<UiModelDetail[]> }> {
  const config = makeConfig([makeModel('flaky', { cmd: flakyCmd(marker), ttlMs: 60_000 })]);
  const { supervisor, hub, logger } = createRealSupervisor(config);
  const swapgate = createApp({ config, supervisor, logger, hub, uiDir: null });
  cleanups.push(() => supervisor.shutdown({ graceMs: 0, force: true }));
  cleanups.push(() => swapgate.close());
  const server = await startServer(swapgate, { host: '127.0.0.1', port: 0 });
  cleanups.push(() => server.close());
  // What a tab opened now reads.
  const snapshot = async (): Promise<UiModelDetail[]> => {
    const res = await fetch(`http://127.0.0.1:${server.port}/ui/api/models`);
    expect(res.status).toBe(200);
    return [...((await res.json()) as UiModelsResponse).models];
  };
  return { supervisor, snapshot };
}

describe('last failure of a model', () => {
  it('is kept after a failed start, shown by a later /ui/api/models, and cleared by the next ready', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'swapgate-last-failure-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const marker = join(dir, 'ready-now');
    const { supervisor, snapshot } = await startDaemonInProcess(marker);
    expect(supervisor.status('flaky').lastFailure).toBeNull();
    expect((await snapshot())[0]?.lastFailure).toBeNull();

    const before = Date.now();
    await expect(supervisor.load('flaky')).rejects.toMatchObject({ code: 'upstream_start_failed', status: 502 });
    const status = supervisor.status('flaky');
    expect(status.state).toBe('stopped');
    expect(status.lastFailure).toMatchObject({
      code: 'upstream_start_failed',
      reason: 'exited',
      exitCode: 3,
      signal: null,
      timedOut: false,
      logTail: ['no marker yet'],
    });
    expect(status.lastFailure?.atMs).toBeGreaterThanOrEqual(before);
    expect(status.lastFailure?.atMs).toBeLessThanOrEqual(Date.now());

    const [failed] = await snapshot();
    expect(failed).toMatchObject({ id: 'flaky', state: 'stopped', pid: null, readyAtMs: null });
    expect(failed?.lastFailure).toEqual({
      atMs: status.lastFailure?.atMs,
      code: 'upstream_start_failed',
      message: expect.stringMatching(/^model "flaky" exited during start \(code 3, signal none\)/),
      exitCode: 3,
      signal: null,
      timedOut: false,
      logTail: ['no marker yet'],
    });

    writeFileSync(marker, '');
    const loadAt = Date.now();
    await supervisor.load('flaky');
    expect(supervisor.status('flaky')).toMatchObject({ state: 'ready', lastFailure: null });
    const [ready] = await snapshot();
    const { pid, port } = supervisor.status('flaky');
    expect(ready).toMatchObject({ id: 'flaky', state: 'ready', lastFailure: null, pid, port, ttlMs: 60_000, inFlight: 0 });
    expect(ready?.startingAtMs).toBeGreaterThanOrEqual(loadAt);
    expect(ready?.readyAtMs).toBeGreaterThanOrEqual(ready?.startingAtMs ?? Infinity);
    expect(ready?.lastStartMs).toBeGreaterThan(0);
    expect(ready?.idleSinceMs).toBe(ready?.readyAtMs);
  }, 30_000);
});
