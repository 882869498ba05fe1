// Peers: a second fake upstream stands in for another swapgate/llama-swap.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiKeyConfig, PeerConfig } from '../../src/config/types.js';
import { makeModel } from '../helpers/model-config.js';
import { killFake, spawnFake, type FakeUpstream } from '../helpers/spawn-fake.js';
import { readJson, startHarness, type EchoBody, type Harness } from './harness.js';

const CLIENT_KEY = 'sk-client-key';
const clientKey: ApiKeyConfig = { key: CLIENT_KEY, name: 'client', models: null, requestsPerMinute: null, admin: false };

interface ModelList {
  data: { id: string; owned_by: string }[];
}

describe('peers', () => {
  let peer: FakeUpstream;
  let h: Harness;
  beforeAll(async () => {
    peer = await spawnFake(['--port', '0', '--model', 'peer']);
    const peers: PeerConfig[] = [
      {
        id: 'remote',
        proxy: `${peer.baseUrl}/echo`,
        models: ['big-model', 'shared', 'taken'],
        apiKey: 'peer-key-123',
        filters: { stripParams: ['seed'], setParams: { peer_flag: true }, setParamsByID: { 'big-model': { 'opts.tier': 'gold' } } },
      },
      { id: 'other', proxy: `${peer.baseUrl}/echo/other`, models: ['shared'], apiKey: null, filters: { stripParams: [], setParams: {}, setParamsByID: {} } },
    ];
    h = await startHarness({ models: [makeModel('local', { aliases: ['taken'] })], config: { peers, apiKeys: [clientKey] } });
  });
  afterAll(async () => {
    await h.close();
    await killFake(peer);
  });

  const chat = (model: string, extra: Record<string, unknown> = {}): Promise<Response> =>
    fetch(`${h.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CLIENT_KEY}`, 'x-api-key': CLIENT_KEY, 'x-request-id': `peer-${model.replace('/', '-')}` },
      body: JSON.stringify({ model, messages: [], ...extra }),
    });

  it.each(['big-model', 'remote/big-model'])('routes %s to the peer: path appended, model rewritten, peer key sent, client key not', async (name) => {
    const res = await chat(name, { seed: 1 });
    expect(res.status).toBe(200);
    const echo = await readJson<EchoBody>(res);
    expect(echo.path).toBe('/echo/v1/chat/completions');
    expect(JSON.parse(echo.body)).toEqual({ model: 'big-model', messages: [], peer_flag: true, opts: { tier: 'gold' } });
    expect(echo.headers.authorization).toBe('Bearer peer-key-123');
    expect(echo.headers['x-api-key']).toBe('peer-key-123');
    expect(JSON.stringify(echo)).not.toContain(CLIENT_KEY);
    expect(h.requestLine(`peer-${name.replace('/', '-')}`)).toMatchObject({ model: 'remote/big-model', status: 200 });
  });

  it('needs the peer prefix for a name two peers list; a peer without a key gets no credentials', async () => {
    expect((await chat('shared')).status).toBe(404);
    const echo = await readJson<EchoBody>(await chat('other/shared'));
    expect(echo.path).toBe('/echo/other/v1/chat/completions');
    expect(JSON.parse(echo.body)).toMatchObject({ model: 'shared' });
    expect(echo.headers.authorization).toBeUndefined();
    expect(echo.headers['x-api-key']).toBeUndefined();
  });

  it('lets a local alias win the bare name; the peer stays addressable with its prefix', async () => {
    const local = await chat('taken');
    expect(local.headers.get('x-fake-model')).toBe('local');
    const remote = await readJson<EchoBody>(await chat('remote/taken'));
    expect(JSON.parse(remote.body)).toMatchObject({ model: 'taken' });
  });

  it('lists peer models as peerId/model owned by the peer', async () => {
    const res = await fetch(`${h.url}/v1/models`, { headers: { authorization: `Bearer ${CLIENT_KEY}` } });
    const list = await readJson<ModelList>(res);
    expect(list.data.map((m) => [m.id, m.owned_by])).toEqual([
      ['local', 'swapgate'],
      ['other/shared', 'other'],
      ['remote/big-model', 'remote'],
      ['remote/shared', 'remote'],
      ['remote/taken', 'remote'],
    ]);
  });
});
