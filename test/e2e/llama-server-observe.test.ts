// Observability against a real llama.cpp server (a tiny generated model, `--metrics`): the
// activity row carries the server's own figures (llama-server `timings`: tokens, cached tokens,
// prompt and generation tok/s) and the daemon's /metrics re-exposes llama-server's own metrics
// with a `model` label, next to swapgate's per-model counters.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, stopAllDaemons } from '../helpers/daemon.js';
import { cmdWord, getLlamaServerPath, makeTinyGguf, randomStartPort } from './e2e-fixtures.js';

let modelsDir: string;
let llamaServer: string;

beforeAll(async () => {
  llamaServer = getLlamaServerPath();
  modelsDir = await mkdtemp(join(tmpdir(), 'swapgate-e2e-gguf-obs-'));
  await makeTinyGguf(1, join(modelsDir, 'm.gguf'));
});
afterAll(async () => {
  if (modelsDir !== undefined) await rm(modelsDir, { recursive: true, force: true });
});
afterEach(stopAllDaemons);

function configText(): string {
  const cmd = [llamaServer, '--host', '127.0.0.1', '--port', '${PORT}', '-m', join(modelsDir, 'm.gguf'), '-c', '256', '--metrics'];
  return [`startPort: ${randomStartPort()}`, 'healthCheckTimeout: 30', 'models:', '  tiny:', `    cmd: ${cmd.map(cmdWord).join(' ')}`, ''].join('\n');
}

interface ActivityRow {
  readonly model: string;
  readonly request_id: string;
  readonly tokens: Record<string, number | undefined>;
  readonly ttft_ms?: number;
}

describe('real llama-server: activity and metrics', () => {
  it('records llama-server timings and relabels its /metrics', async () => {
    const daemon = await startDaemon({ configText: configText() });
    const client = new OpenAI({ baseURL: `${daemon.baseUrl}/v1`, apiKey: 'none', maxRetries: 0, timeout: 30_000 });
    const messages = [{ role: 'user' as const, content: 'Say hello.' }];
    await client.chat.completions.create({ model: 'tiny', messages, max_tokens: 8 }, { headers: { 'x-request-id': 'obs-json' } });
    const stream = await client.chat.completions.create({ model: 'tiny', messages, max_tokens: 8, stream: true }, { headers: { 'x-request-id': 'obs-stream' } });
    for await (const chunk of stream) void chunk;

    const page = (await (await daemon.request('/api/metrics/activity?sort=id&order=asc')).json()) as { data: ActivityRow[] };
    const byId = new Map(page.data.map((row) => [row.request_id, row]));
    for (const id of ['obs-json', 'obs-stream']) {
      const row = byId.get(id);
      expect(row, id).toMatchObject({ model: 'tiny' });
      // llama-server always reports timings: the prompt is never empty, speeds are positive.
      expect(row?.tokens.input_tokens, id).toBeGreaterThan(0);
      expect(row?.tokens.prompt_per_second, id).toBeGreaterThan(0);
      expect(row?.tokens.output_tokens, id).toBeGreaterThanOrEqual(0);
    }

    const metrics = await (await daemon.request('/metrics')).text();
    expect(metrics).toMatch(/^swapgate_requests_total\{model="tiny",route="\/v1\/chat\/completions",status="200"\} 2$/m);
    // llama-server's own families, each sample with the model it came from.
    expect(metrics).toMatch(/^llamacpp:prompt_tokens_total\{model="tiny"\} \d+/m);
    expect(metrics).toMatch(/^# TYPE llamacpp:prompt_tokens_total counter$/m);
    expect((await daemon.stop('SIGTERM')).exitCode).toBe(0);
  }, 60_000);
});
