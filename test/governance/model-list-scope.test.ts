// /v1/models lists what the caller's key may use: a scoped key sees exactly the models (ids,
// aliases, peers) it would not get a 403 for (admin keys included); open daemons see everything.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PeerConfig } from '../../src/config/types.js';
import { makeModel } from '../helpers/model-config.js';
import { killFake, spawnFake, type FakeUpstream } from '../helpers/spawn-fake.js';
import { readJson } from '../server/harness.js';
import { makeApiKey as key, startGoverned, type GovernedHarness } from './governance-harness.js';

const ADMIN = 'sk-admin-0123456789';
const TEAM = 'sk-team-0123456789';
const ANY = 'sk-any-0123456789';
const NONE = 'sk-none-0123456789';
const bearer = (k: string): Record<string, string> => ({ authorization: `Bearer ${k}` });

const MODELS = [
  makeModel('qwen-7b', { aliases: ['gpt-4o-mini'] }),
  makeModel('llama-8b', { aliases: ['chat-small'] }),
  makeModel('mistral-7b'),
  makeModel('secret', { unlisted: true }),
];
const EVERYTHING = ['chat-small', 'gpt-4o-mini', 'llama-8b', 'mistral-7b', 'qwen-7b', 'remote/phi-3', 'remote/qwen-72b'];
// "qwen-*" matches qwen-7b by id (and not "remote/qwen-72b"), "chat-small" is llama-8b's alias.
const TEAM_SEES = ['chat-small', 'gpt-4o-mini', 'llama-8b', 'qwen-7b', 'remote/phi-3'];

function makePeer(fake: FakeUpstream): PeerConfig {
  return {
    id: 'remote',
    proxy: fake.baseUrl,
    models: ['qwen-72b', 'phi-3'],
    apiKey: null,
    filters: { stripParams: [], setParams: {}, setParamsByID: {} },
  };
}

describe('/v1/models under API keys', () => {
  let peer: FakeUpstream;
  let h: GovernedHarness;
  beforeAll(async () => {
    peer = await spawnFake(['--port', '0', '--model', 'peer']);
    h = await startGoverned({
      models: MODELS,
      config: {
        includeAliasesInList: true,
        peers: [makePeer(peer)],
        apiKeys: [
          // An admin key scoped for inference lists only what it may use for inference.
          key(ADMIN, 'ops', { admin: true, models: ['mistral-*'] }),
          key(TEAM, 'team', { models: ['qwen-*', 'chat-small', 'remote/phi-*'] }),
          key(ANY, 'any'),
          key(NONE, 'none', { models: [] }),
        ],
      },
    });
  });
  afterAll(async () => {
    await h.close();
    await killFake(peer);
  });

  const listIds = async (k: string): Promise<string[]> => {
    const client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: k, maxRetries: 0 });
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    return ids;
  };

  it('a scoped key sees only its models (by id, alias or glob, peers too); the others see everything', async () => {
    expect(await listIds(TEAM)).toEqual(TEAM_SEES);
    expect(await listIds(ADMIN)).toEqual(['mistral-7b']);
    expect(await listIds(ANY)).toEqual(EVERYTHING);
    expect(await listIds(NONE)).toEqual([]);
    // The llama-swap path lists the same; a listed alias still says what it is an alias of.
    const list = await readJson<{ data: { id: string; meta: { alias_of?: string } }[] }>(
      await fetch(`${h.url}/models`, { headers: bearer(TEAM) }),
    );
    expect(list.data.map((m) => m.id)).toEqual(TEAM_SEES);
    expect(list.data.find((m) => m.id === 'chat-small')?.meta.alias_of).toBe('llama-8b');
    expect(h.stub.acquired).toEqual([]);
  });

  it('lists exactly what the key may use: every listed id is served, every other name is refused', async () => {
    const listed = await listIds(TEAM);
    const names = [...EVERYTHING, 'secret'];
    const statuses: Record<string, number> = {};
    for (const model of names) {
      const res = await fetch(`${h.url}/v1/chat/completions`, {
        method: 'POST',
        headers: bearer(TEAM),
        body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
      });
      await res.arrayBuffer();
      statuses[model] = res.status;
    }
    const expected = Object.fromEntries(names.map((model) => [model, listed.includes(model) ? 200 : 403]));
    expect(statuses).toEqual(expected);
  });
});

describe('/v1/models when the only scoped key is an admin key', () => {
  it('the admin key sees what it may use for inference; an unscoped key sees everything', async () => {
    const h = await startGoverned({ models: MODELS, config: { apiKeys: [key(ADMIN, 'ops', { admin: true, models: ['mistral-*'] }), key(ANY, 'any')] } });
    try {
      const list = async (k: string): Promise<string[]> => {
        const ids: string[] = [];
        for await (const model of new OpenAI({ baseURL: `${h.url}/v1`, apiKey: k, maxRetries: 0 }).models.list()) ids.push(model.id);
        return ids;
      };
      expect(await list(ADMIN)).toEqual(['mistral-7b']);
      expect(await list(ANY)).toEqual(['llama-8b', 'mistral-7b', 'qwen-7b']);
    } finally {
      await h.close();
    }
  });
});

describe('/v1/models without scoped keys', () => {
  it('lists every listed model when no keys are configured, or none is scoped', async () => {
    for (const apiKeys of [[], [key(ANY, 'any'), key(ADMIN, 'ops', { admin: true })]]) {
      const h = await startGoverned({ models: MODELS, config: { apiKeys } });
      try {
        const client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: ANY, maxRetries: 0 });
        const ids: string[] = [];
        for await (const model of client.models.list()) ids.push(model.id);
        expect(ids).toEqual(['llama-8b', 'mistral-7b', 'qwen-7b']);
      } finally {
        await h.close();
      }
    }
  });
});
