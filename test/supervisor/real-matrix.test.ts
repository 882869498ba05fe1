// The matrix router over real ModelProcesses running the fake upstream: models a set allows
// together run side by side, and a start stops exactly the running models outside the chosen
// set (their processes really gone), leaving the others untouched (same pid).
import { afterEach, describe, expect, it } from 'vitest';
import { isPidAlive } from '../../src/process/process-liveness.js';
import type { Supervisor } from '../../src/supervisor/types.js';
import { makeConfig, makeModel } from '../helpers/model-config.js';
import { matrixRouting } from '../helpers/matrix-routing.js';
import { createRealSupervisor } from '../helpers/real-supervisor.js';
import { waitFor } from '../helpers/wait-for.js';

let live: Supervisor[] = [];

afterEach(async () => {
  await Promise.all(live.splice(0).map((s) => s.shutdown({ graceMs: 0, force: true })));
});

const isGone = (pid: number): boolean => !isPidAlive(pid);

async function chatModel(baseUrl: string, model: string): Promise<string | null> {
  const res = await fetch(`${baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });
  await res.arrayBuffer();
  return res.status === 200 ? res.headers.get('x-fake-model') : null;
}

describe('matrix router with real processes', () => {
  it('swaps the LLM beside the running TTS, then the 70B alone evicts both', async () => {
    const config = makeConfig(['g', 'q', 'v', 'L'].map((id) => makeModel(id)), { routing: matrixRouting({ standard: '(g | q) & v', full: 'L' }, { v: 50 }) });
    const { supervisor } = createRealSupervisor(config);
    live.push(supervisor);
    const pidOf = (id: string): number => supervisor.status(id).pid ?? -1;
    const up = (): string[] => supervisor.statuses().filter((s) => s.state === 'ready').map((s) => s.id);

    const [leaseG, leaseV] = await Promise.all([supervisor.acquire('g'), supervisor.acquire('v')]);
    expect(up()).toEqual(['g', 'v']);
    expect(await chatModel(leaseG.baseUrl, 'g')).toBe('g');
    expect(await chatModel(leaseV.baseUrl, 'v')).toBe('v');
    leaseG.release();
    leaseV.release();
    const [pidG, pidV] = [pidOf('g'), pidOf('v')];

    const leaseQ = await supervisor.acquire('q');
    expect(up()).toEqual(['q', 'v']);
    expect(pidOf('v')).toBe(pidV);
    await waitFor(() => isGone(pidG), { what: `g (pid ${pidG}) gone`, timeoutMs: 5_000 });
    expect(await chatModel(leaseQ.baseUrl, 'q')).toBe('q');
    leaseQ.release();
    const pidQ = pidOf('q');

    const leaseL = await supervisor.acquire('L');
    expect(up()).toEqual(['L']);
    for (const pid of [pidQ, pidV]) await waitFor(() => isGone(pid), { what: `pid ${pid} gone`, timeoutMs: 5_000 });
    expect(await chatModel(leaseL.baseUrl, 'L')).toBe('L');
    leaseL.release();
  });
});
