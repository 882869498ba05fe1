// `swapgate` with no --config in a directory without config.yaml runs the built-in demo model.
import { afterEach, describe, expect, it } from 'vitest';
import { startDaemon, stopAllDaemons } from '../helpers/daemon.js';
import { alivePids, postChat } from './e2e-fixtures.js';

afterEach(stopAllDaemons);

describe('demo mode', () => {
  it('serves model "demo" from the embedded config and stops it on SIGTERM', async () => {
    const daemon = await startDaemon(); // fresh empty cwd, no --config
    const records = daemon.records();
    expect(records.find((r) => r.event === 'daemon.start')).toMatchObject({ config: 'embedded demo', models: 1 });
    expect(records.find((r) => r.event === 'daemon.listening')).toMatchObject({ api: `${daemon.baseUrl}/v1`, ui: `${daemon.baseUrl}/ui/` });

    const models = await daemon.request('/v1/models');
    expect(models.status).toBe(200);
    expect(((await models.json()) as { data: Array<{ id: string }> }).data.map((m) => m.id)).toEqual(['demo']);

    const chat = await postChat(daemon, 'demo', { messages: [{ role: 'user', content: 'hi from e2e' }] });
    expect(chat.status).toBe(200);
    expect(chat.body).toMatchObject({
      object: 'chat.completion',
      model: 'demo',
      choices: [{ message: { role: 'assistant', content: 'demo says: hi from e2e' } }],
    });

    const running = await daemon.running();
    expect(running).toEqual([expect.objectContaining({ model: 'demo', state: 'ready' })]);
    const upstreamPid = running[0]?.pid ?? -1;
    expect(chat.upstreamPid).toBe(upstreamPid);

    const exit = await daemon.stop('SIGTERM');
    expect(exit).toMatchObject({ exitCode: 0, signal: null });
    expect(alivePids([upstreamPid])).toEqual([]);
  }, 30_000);

  it('answers an unknown model with an OpenAI-shaped 404 error', async () => {
    const daemon = await startDaemon();
    const chat = await postChat(daemon, 'no-such-model');
    expect(chat.status).toBe(404);
    expect(chat.body).toMatchObject({ error: { message: expect.stringContaining('no-such-model') } });
  }, 30_000);
});
