// llama-swap configs must load unchanged.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { IMPLICIT_GROUP_ID } from '../../src/config/types.js';
import { loadOk, modelOf } from './config-test-helpers.js';

const fixture = (name: string): string => readFileSync(fileURLToPath(new URL(`fixtures/${name}`, import.meta.url)), 'utf8');

describe('llama-swap README example', () => {
  const { config, warnings } = loadOk(fixture('llama-swap-readme.yaml'));

  test('loads without warnings', () => {
    expect(warnings).toEqual([]);
  });

  test('globals', () => {
    expect(config).toMatchObject({ healthCheckTimeoutMs: 500_000, logLevel: 'info', startPort: 10001 });
  });

  test('a fixed-port model with env, aliases, checkEndpoint, ttl and useModelName', () => {
    expect(modelOf(config, 'llama')).toMatchObject({
      cmd: ['llama-server', '--port', '8999', '--model', 'path/to/Qwen2.5-1.5B-Instruct-Q4_K_M.gguf'],
      proxy: 'http://127.0.0.1:8999',
      usesPort: false,
      env: { CUDA_VISIBLE_DEVICES: '0' },
      aliases: ['gpt-4o-mini', 'gpt-3.5-turbo'],
      checkEndpoint: '/custom-endpoint',
      ttlMs: 60_000,
      useModelName: 'qwen:qwq',
      groupId: 'group1',
    });
  });

  test('an unlisted ${PORT} model and a docker model with cmdStop', () => {
    expect(modelOf(config, 'qwen-unlisted')).toMatchObject({ unlisted: true, usesPort: true, proxy: 'http://localhost:${PORT}' });
    expect(modelOf(config, 'docker-llama')).toMatchObject({
      cmd: [
        'docker', 'run', '--name', 'dockertest', '--init', '--rm', '-p', '${PORT}:8080', '-v', '/mnt/nvme/models:/models',
        'ghcr.io/ggerganov/llama.cpp:server', '--model', '/models/Qwen2.5-Coder-0.5B-Instruct-Q4_K_M.gguf',
      ],
      cmdStop: ['docker', 'stop', 'dockertest'],
      proxy: 'http://127.0.0.1:${PORT}',
    });
  });

  test('groups as declared, no implicit group', () => {
    expect(config.groups.map((g) => [g.id, g.swap, g.exclusive, g.persistent, g.members.length])).toEqual([
      ['group1', true, true, false, 2],
      ['group2', false, false, false, 3],
      ['forever', false, false, true, 3],
    ]);
    expect(config.groups.some((g) => g.id === IMPLICIT_GROUP_ID)).toBe(false);
  });
});

describe('llama-swap config.example.yaml (newer version)', () => {
  const env = { HOME: '/home/me', API_KEY_1: 'sk-from-env' };
  const { config, warnings } = loadOk(fixture('llama-swap-example.yaml'), env);

  test('keys swapgate does not use are warnings, never errors', () => {
    expect(warnings.map((w) => w.replace(/^\S+ /, ''))).toEqual([
      'captureBuffer: "captureBuffer" is a llama-swap setting that swapgate ignores',
      'models.gpt-oss-120b.aliases[0].name: "name" is a llama-swap setting that swapgate ignores',
      'models.gpt-oss-120b.aliases[0].unlisted: "unlisted" is a llama-swap setting that swapgate ignores',
      'models.gpt-oss-120b.metadata.port: ${PORT} is not known when the config loads (a port is picked at each start); kept as text',
      'models.gpt-oss-120b.timeouts: "timeouts" is a llama-swap setting that swapgate ignores',
    ]);
  });

  test('macros in macros, overrides, env macros and comment lines in cmd', () => {
    expect(modelOf(config, 'gpt-oss-120b').cmd).toEqual([
      '/path/to/llama-server/llama-server-ec9e0301', '--port', '${PORT}',
      '--model', '/home/me/models/gpt-oss-120B.gguf',
      '--ctx-size', '16384',
      '--temperature', '0.7',
    ]);
  });

  test('typed metadata, setParamsByID aliases, object aliases', () => {
    const model = modelOf(config, 'gpt-oss-120b');
    expect(model.metadata).toEqual({
      port: '${PORT}',
      temperature: 0.7,
      note: 'The gpt-oss-120b has context=16384',
      a_list: [1, 1.23, 'macros are OK in list and dictionary types: gpt-oss-120b'],
      an_obj: { a: '1', b: 2, c: [0.7, false, 'model: gpt-oss-120b'] },
    });
    expect(model.aliases).toEqual(['gpt-4o-mini', 'gpt-oss-120b:high', 'gpt-oss-120b:low']);
    expect(model.filters.stripParams).toEqual(['temperature', 'top_p', 'top_k']);
    expect(model.sendLoadingState).toBe(false);
    expect(modelOf(config, 'qwen-unlisted').sendLoadingState).toBe(true);
  });

  test('docker model with ${MODEL_ID} in cmd and cmdStop; preload by alias; api keys and peers', () => {
    expect(modelOf(config, 'docker-llama').cmdStop).toEqual(['docker', 'stop', 'docker-llama']);
    expect(config.preload).toEqual(['gpt-oss-120b']);
    expect(config.apiKeys.map((k) => k.key)).toEqual(['sk-hunter2', 'sk-from-env']);
    expect(config.peers).toEqual([
      { id: 'llama-swap-peer', proxy: 'http://192.168.1.23', models: ['model_a', 'embeddings'], apiKey: null, filters: { stripParams: [], setParams: {}, setParamsByID: {} } },
      {
        id: 'openrouter',
        proxy: 'https://openrouter.ai/api',
        models: ['meta-llama/llama-3.1-8b-instruct'],
        apiKey: 'sk-from-env',
        filters: { stripParams: ['temperature', 'top_p'], setParams: { provider: { data_collection: 'deny' } }, setParamsByID: {} },
      },
    ]);
  });
});
