// The supervisor over real ModelProcesses running the fake upstream: a swap drains the
// running model first, and shutdown leaves no child behind.
import { afterEach, describe, expect, it } from 'vitest';
import type { Config, GroupConfig } from '../../src/config/types.js';
import type { Supervisor } from '../../src/supervisor/types.js';
import { makeConfig, makeModel } from '../helpers/model-config.js';
import { createRealSupervisor } from '../helpers/real-supervisor.js';
import { waitFor } from '../helpers/wait-for.js';

const SLOW_MS = 800;
let live: Supervisor[] = [];

afterEach(async () => {
  await Promise.all(live.splice(0).map((s) => s.shutdown({ graceMs: 0, force: true })));
});

function start(config: Config): Supervisor {
  const { supervisor } = createRealSupervisor(config);
  live.push(supervisor);
  return supervisor;
}

// The upstreams are our direct children, so Node reaps them: gone means no such pid.
function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true; // ESRCH: gone, which is what we ask about
  }
  return false;
}

async function chat(baseUrl: string, model: string, extra: Record<string, unknown> = {}): Promise<Response> {
  return fetch(`${baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], ...extra }),
  });
}

describe('supervisor with real processes', () => {
  it('swaps A→B only after A’s slow in-flight request completed', async () => {
    const supervisor = start(makeConfig([makeModel('a'), makeModel('b')]));
    const timeline: string[] = [];
    supervisor.on('state', (c) => timeline.push(`${c.modelId}:${c.to}`));

    const leaseA = await supervisor.acquire('a');
    const pidA = supervisor.status('a').pid ?? -1;
    const slow = chat(leaseA.baseUrl, 'a', { fake_delay_ms: SLOW_MS }).then(async (res) => {
      const body = (await res.json()) as { model: string };
      timeline.push(`a:response ${res.status}`);
      leaseA.release();
      return { status: res.status, model: body.model };
    });
    const leaseB = await supervisor.acquire('b');

    expect(await slow).toEqual({ status: 200, model: 'a' });
    expect(timeline.indexOf('a:response 200')).toBeLessThan(timeline.indexOf('a:stopping'));
    expect(timeline.slice(timeline.indexOf('a:response 200'))).toEqual([
      'a:response 200',
      'a:stopping',
      'a:stopped',
      'b:starting',
      'b:ready',
    ]);
    expect(leaseB.waitedForLoad).toBe(true);
    expect(isGone(pidA)).toBe(true);

    const res = await chat(leaseB.baseUrl, 'b');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-fake-model')).toBe('b');
    leaseB.release();
  });

  it('shutdown stops every upstream and leaves no child alive', async () => {
    const duo: GroupConfig = { id: 'duo', members: ['x', 'y'], swap: false, exclusive: false, persistent: false, implicit: false };
    const supervisor = start(makeConfig([makeModel('x'), makeModel('y')], { groups: [duo], preload: ['x', 'y'] }));
    await supervisor.start();
    const pids = supervisor.statuses().map((s) => s.pid);
    expect(pids.every((pid) => typeof pid === 'number')).toBe(true);

    const lease = await supervisor.acquire('y');
    const slow = chat(lease.baseUrl, 'y', { fake_delay_ms: 300 }).finally(() => lease.release());
    await supervisor.shutdown({ graceMs: 10_000 });

    expect((await slow).status).toBe(200);
    expect(supervisor.statuses().map((s) => s.state)).toEqual(['shutdown', 'shutdown']);
    for (const pid of pids) await waitFor(() => isGone(pid ?? -1), { what: `pid ${pid} gone`, timeoutMs: 5_000 });
    await expect(supervisor.acquire('x')).rejects.toMatchObject({ code: 'shutting_down', status: 503 });
  });
});
