// Requests in flight are listed (with the bytes sent so far) and an admin can cancel one: the
// upstream request is aborted, the model's slot released, the row says "cancelled". And
// /api/performance: the daemon's and the machine's figures, GPU figures only where a tool runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GpuProbe, parseNvidiaSmi, parseRocmSmi, type RunTool } from '../../src/observe/gpu-stats.js';
import type { InflightEntry, InflightUpdate } from '../../src/observe/inflight-tracker.js';
import { makeModel } from '../helpers/model-config.js';
import { waitFor } from '../helpers/wait-for.js';
import { readEvents, startObserved, type Observed } from './observe-harness.js';

describe('requests in flight', () => {
  let o: Observed;
  beforeAll(async () => {
    o = await startObserved({ models: [makeModel('m')], observe: { inflightUpdateMs: 50 } });
  });
  afterAll(() => o.close());

  it('are listed with their bytes so far, and one can be cancelled', async () => {
    const events = await readEvents(o);
    const res = await o.chat({ model: 'm', messages: [], stream: true, fake_chunks: 1000, fake_chunk_delay_ms: 20 }, 'long-one');
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const read = (async () => {
      for (;;) if ((await reader.read().catch(() => ({ done: true }))).done) return;
    })();
    const progress = await events.next((f) => {
      const update = f.data as InflightUpdate;
      return f.type === 'inflight' && update.operation === 'upsert' && update.request.resp_bytes > 0;
    });
    const entry = (progress.data as { request: InflightEntry }).request;
    expect(entry).toMatchObject({ model: 'm', src: 'local', req_path: '/v1/chat/completions', method: 'POST', request_id: 'long-one', remote_ip: '127.0.0.1' });
    expect(entry.elapsed_ms).toBeGreaterThanOrEqual(0);

    const cancel = await o.request(`/api/inflight/${entry.id}/cancel`, { method: 'POST' });
    expect(cancel.status).toBe(200);
    expect(await cancel.json()).toEqual({ msg: 'ok' });
    await read;
    expect(await o.entry('long-one')).toMatchObject({ outcome: 'cancelled', resp_status_code: 200 });
    await waitFor(() => o.supervisor.status('m').inFlight === 0, { what: 'the slot released' });
    await waitFor(() => o.hub.history('m').some((l) => l.includes('ABORTED /v1/chat/completions')), { what: 'the upstream request aborted' });
    await events.next((f) => f.type === 'inflight' && (f.data as InflightUpdate).operation === 'remove');
    expect(o.observe.inflight.snapshot()).toEqual({ operation: 'snapshot', requests: [] });
    await events.cancel();
  });

  it('answers 404 for a request not in flight', async () => {
    for (const path of ['/api/inflight/999/cancel', '/api/inflight/1/stop', '/api/inflight//cancel']) {
      const res = await o.request(path, { method: 'POST' });
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as { error: { message: string } }).error.message).toBe('inflight request not found');
    }
  });
});

describe('/api/performance', () => {
  it('reports the process, the machine and (none here, or canned) GPUs', async () => {
    const o = await startObserved({ models: [makeModel('m')], observe: { gpu: new GpuProbe(async () => Promise.reject(Object.assign(new Error('no'), { code: 'ENOENT' }))) } });
    try {
      const body = (await (await o.request('/api/performance')).json()) as Record<string, unknown>;
      expect(body).toMatchObject({ enabled: true, gpu_stats: [], process: { pid: expect.any(Number), rss_mb: expect.any(Number), cpu_pct: expect.any(Number) } });
      const [sys] = body.sys_stats as Record<string, unknown>[];
      expect(sys).toMatchObject({ mem_total_mb: expect.any(Number), mem_free_mb: expect.any(Number), load_avg_1: expect.any(Number) });
      expect((sys?.cpu_util_per_core as number[]).length).toBeGreaterThan(0);
    } finally {
      await o.close();
    }
  });

  it('reads nvidia-smi or rocm-smi output, N/A as absent; looks for the tools once', async () => {
    expect(parseNvidiaSmi('0, NVIDIA GeForce RTX 4090, GPU-abc, 45, 12, 2048, 24564, 30, 61.5\n1, Tesla, GPU-def, 40, [N/A], 0, 0, [N/A], [N/A]\n')).toEqual([
      { id: 0, name: 'NVIDIA GeForce RTX 4090', uuid: 'GPU-abc', temp_c: 45, gpu_util_pct: 12, mem_used_mb: 2048, mem_total_mb: 24564, fan_speed_pct: 30, power_draw_w: 61.5, mem_util_pct: (2048 / 24564) * 100 },
      { id: 1, name: 'Tesla', uuid: 'GPU-def', temp_c: 40, mem_used_mb: 0, mem_total_mb: 0 },
    ]);
    const rocm = 'device,Temperature (Sensor edge) (C),GPU use (%),VRAM Total Memory (B),VRAM Total Used Memory (B),Card Series\ncard0,51.0,7,17163091968,1073741824,Radeon RX 7900 XTX\n';
    expect(parseRocmSmi(rocm)).toEqual([{ id: 0, name: 'Radeon RX 7900 XTX card0', temp_c: 51, gpu_util_pct: 7, mem_total_mb: 16368, mem_used_mb: 1024, mem_util_pct: (1024 / 16368) * 100 }]);
    const calls: string[] = [];
    const run: RunTool = async (file) => {
      calls.push(file);
      if (file === 'rocm-smi') return rocm;
      throw Object.assign(new Error('missing'), { code: 'ENOENT' });
    };
    const probe = new GpuProbe(run, 0);
    expect(await probe.read()).toHaveLength(1);
    expect(await probe.read()).toHaveLength(1);
    expect(calls).toEqual(['nvidia-smi', 'rocm-smi', 'rocm-smi']);
    let looked = 0;
    const none = new GpuProbe(async () => {
      looked += 1;
      throw Object.assign(new Error('missing'), { code: 'ENOENT' });
    });
    await Promise.all([none.read(), none.read()]);
    expect(await none.read()).toEqual([]);
    expect(looked).toBe(2); // nvidia-smi and rocm-smi, once
  });
});
