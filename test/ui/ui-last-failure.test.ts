// A failed start is remembered: the supervisor's status and a /ui/events snapshot taken after the
// failed request still show when and why, until the model is next ready.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.js';
import { startServer } from '../../src/server/start-server.js';
import type { ModelEvent, UiModel } from '../../src/server/ui/model-events.js';
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

async function startDaemonInProcess(marker: string): Promise<{ supervisor: Supervisor; snapshot: () => Promise<UiModel[]> }> {
  const config = makeConfig([makeModel('flaky', { cmd: flakyCmd(marker) })]);
  const { supervisor, hub, logger } = createRealSupervisor(config);
  const swapgate = createApp({ config, supervisor, logger, hub });
  cleanups.push(() => supervisor.shutdown({ graceMs: 0, force: true }));
  cleanups.push(() => swapgate.close());
  const server = await startServer(swapgate, { host: '127.0.0.1', port: 0 });
  cleanups.push(() => server.close());
  // A fresh GET /ui/events, as a tab opened now would make: its first line, then hang up.
  const snapshot = async (): Promise<UiModel[]> => {
    const res = await fetch(`http://127.0.0.1:${server.port}/ui/events`);
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('\n')) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    await reader.cancel();
    const first = JSON.parse(text.slice(0, text.indexOf('\n'))) as ModelEvent;
    if (first.type !== 'snapshot') throw new Error(`expected a snapshot first, got ${first.type}`);
    return [...first.models];
  };
  return { supervisor, snapshot };
}

describe('last failure of a model', () => {
  it('is kept after a failed start, shown in a later /ui/events snapshot, and cleared by the next ready', async () => {
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
    expect(failed).toMatchObject({ id: 'flaky', state: 'stopped' });
    expect(failed?.lastFailure).toEqual({
      atMs: status.lastFailure?.atMs,
      message: expect.stringMatching(/^model "flaky" exited during start \(code 3, signal none\)/),
    });

    writeFileSync(marker, '');
    await supervisor.load('flaky');
    expect(supervisor.status('flaky')).toMatchObject({ state: 'ready', lastFailure: null });
    expect(await snapshot()).toMatchObject([{ id: 'flaky', state: 'ready', lastFailure: null }]);
  }, 30_000);
});
