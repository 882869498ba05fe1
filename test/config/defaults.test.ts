import { describe, expect, test } from 'vitest';
import { IMPLICIT_GROUP_ID } from '../../src/config/types.js';
import { loadOk, modelOf, yamlOf } from './config-test-helpers.js';

describe('defaults', () => {
  test('a minimal config gets llama-swap defaults, in milliseconds', () => {
    const { config, warnings } = loadOk(yamlOf('models:', '  m:', '    cmd: srv --port ${PORT}'), {}, { loadedAtSec: 1234 });
    expect(warnings).toEqual([]);
    expect(config).toEqual({
      sourcePath: expect.stringMatching(/config\.yaml$/),
      loadedAtSec: 1234,
      healthCheckTimeoutMs: 120_000,
      logLevel: 'info',
      logToStdout: 'proxy',
      logFormat: 'auto',
      logTimeFormat: 'default',
      startPort: 5800,
      includeAliasesInList: false,
      models: [
        {
          id: 'm',
          cmd: ['srv', '--port', '${PORT}'],
          cmdStop: null,
          proxy: 'http://localhost:${PORT}',
          checkEndpoint: '/health',
          usesPort: true,
          ttlMs: 0,
          unloadTimeoutMs: 10_000,
          healthCheckTimeoutMs: 120_000,
          env: {},
          name: null,
          description: null,
          aliases: [],
          useModelName: null,
          unlisted: false,
          metadata: {},
          concurrencyLimit: 10,
          sendLoadingState: false,
          filters: { stripParams: [], setParams: {}, setParamsByID: {} },
          groupId: IMPLICIT_GROUP_ID,
        },
      ],
      groups: [{ id: IMPLICIT_GROUP_ID, swap: true, exclusive: true, persistent: false, members: ['m'], implicit: true }],
      routing: { router: { use: 'group' }, fifoPriority: {} },
      peers: [],
      preload: [],
      apiKeys: [],
      corsOrigins: ['*'],
      maxRequestBodyBytes: 64 * 1024 * 1024,
      requestBodyTimeoutMs: 30_000,
      clientStallTimeoutMs: 30_000,
      metricsMaxInMemory: 1000,
      policies: [],
      audit: null,
      rateLimits: { defaultRequestsPerMinute: null },
      cache: { enabled: false, ttlMs: 300_000, maxEntries: 1000 },
    });
  });

  test('global values flow into models unless a model sets its own', () => {
    const { config } = loadOk(
      yamlOf(
        'healthCheckTimeout: 60',
        'globalTTL: 300',
        'unloadTimeout: 7',
        'sendLoadingState: true',
        'models:',
        '  inherits:',
        '    cmd: srv --port ${PORT}',
        '  minus-one:',
        '    cmd: srv --port ${PORT}',
        '    ttl: -1',
        '    unloadTimeout: 0',
        '    concurrencyLimit: 0',
        '  own:',
        '    cmd: srv --port ${PORT}',
        '    ttl: 0',
        '    unloadTimeout: 2',
        '    healthCheckTimeout: 600',
        '    sendLoadingState: false',
        '    concurrencyLimit: 3',
        '    checkEndpoint: none',
      ),
    );
    const pick = (id: string) => {
      const m = modelOf(config, id);
      return [m.ttlMs, m.unloadTimeoutMs, m.healthCheckTimeoutMs, m.sendLoadingState, m.concurrencyLimit, m.checkEndpoint];
    };
    expect(pick('inherits')).toEqual([300_000, 7_000, 60_000, true, 10, '/health']);
    expect(pick('minus-one')).toEqual([300_000, 7_000, 60_000, true, 10, '/health']);
    expect(pick('own')).toEqual([0, 2_000, 600_000, false, 3, null]);
  });

  test('global unloadTimeout 0 means 10 seconds; maxRequestBodyMB becomes bytes', () => {
    const { config } = loadOk(yamlOf('unloadTimeout: 0', 'maxRequestBodyMB: 0.5', 'models:', '  m:', '    cmd: srv --port ${PORT}'));
    expect(config.models[0]?.unloadTimeoutMs).toBe(10_000);
    expect(config.maxRequestBodyBytes).toBe(512 * 1024);
  });

  test('warns about a model id no URL path may name', () => {
    const { warnings } = loadOk(yamlOf('models:', '  "a..b":', '    cmd: srv --port ${PORT}'));
    expect(warnings.join('\n')).toMatch(/model id "a\.\.b" contains "\.\." or a backslash/);
  });

  test('requestBodyTimeout and clientStallTimeout are seconds (fractions allowed, 0 turns them off)', () => {
    const { config } = loadOk(yamlOf('requestBodyTimeout: 2.5', 'clientStallTimeout: 0', 'models:', '  m:', '    cmd: srv --port ${PORT}'));
    expect(config.requestBodyTimeoutMs).toBe(2_500);
    expect(config.clientStallTimeoutMs).toBe(0);
  });

  test('models keep declaration order, numeric-looking ids included', () => {
    const { config } = loadOk(yamlOf('models:', ...['zeta', '10', 'alpha', '2'].flatMap((id) => [`  "${id}":`, '    cmd: srv --port ${PORT}'])));
    expect(config.models.map((m) => m.id)).toEqual(['zeta', '10', 'alpha', '2']);
    expect(config.groups[0]?.members).toEqual(['zeta', '10', 'alpha', '2']);
  });

  test('YAML anchors and merge keys work (llama-swap configs use them)', () => {
    const { config } = loadOk(
      yamlOf('x-common: &common', '  ttl: 30', '  unlisted: true', 'models:', '  m:', '    <<: *common', '    cmd: srv --port ${PORT}'),
    );
    expect(modelOf(config, 'm')).toMatchObject({ ttlMs: 30_000, unlisted: true });
  });
});

describe('filters and aliases', () => {
  test('stripParams: comma list, trimmed, "model" dropped with a warning; strip_params accepted', () => {
    const { config, warnings } = loadOk(
      yamlOf(
        'models:',
        '  a:',
        '    cmd: srv --port ${PORT}',
        '    filters:',
        '      stripParams: " temperature,top_p , model,, top_k "',
        '  b:',
        '    cmd: srv --port ${PORT}',
        '    filters:',
        '      strip_params: "seed"',
      ),
    );
    expect(modelOf(config, 'a').filters.stripParams).toEqual(['temperature', 'top_p', 'top_k']);
    expect(modelOf(config, 'b').filters.stripParams).toEqual(['seed']);
    expect(warnings).toEqual(['config.yaml:5:42 models.a.filters.stripParams: "model" is never stripped; removed from the list']);
  });

  test('setParams cannot set "model"', () => {
    const { config, warnings } = loadOk(yamlOf('models:', '  a:', '    cmd: srv --port ${PORT}', '    filters:', '      setParams: { model: x, seed: 1 }'));
    expect(modelOf(config, 'a').filters.setParams).toEqual({ seed: 1 });
    expect(warnings).toEqual(['config.yaml:5:20 models.a.filters.setParams.model: "model" cannot be set by a filter; ignored']);
  });

  test('setParamsByID keys other than the model id become aliases, after the declared ones', () => {
    const { config } = loadOk(
      yamlOf(
        'models:',
        '  gpt:',
        '    cmd: srv --port ${PORT}',
        '    aliases: ["gpt:high", other]',
        '    filters:',
        '      setParamsByID:',
        '        gpt: { effort: medium }',
        '        "gpt:high": { effort: high }',
        '        "gpt:low": { effort: low }',
      ),
    );
    const model = modelOf(config, 'gpt');
    expect(model.aliases).toEqual(['gpt:high', 'other', 'gpt:low']);
    expect(model.filters.setParamsByID).toEqual({
      gpt: { effort: 'medium' },
      'gpt:high': { effort: 'high' },
      'gpt:low': { effort: 'low' },
    });
  });

  test('aliases may be objects (newer llama-swap); name/unlisted are ignored with a warning', () => {
    const { config, warnings } = loadOk(
      yamlOf('models:', '  m:', '    cmd: srv --port ${PORT}', '    aliases:', '      - id: first', '        name: First', '      - second'),
    );
    expect(modelOf(config, 'm').aliases).toEqual(['first', 'second']);
    expect(warnings).toEqual(['config.yaml:6:9 models.m.aliases[0].name: "name" is a llama-swap setting that swapgate ignores']);
  });
});

describe('groups', () => {
  test('explicit groups get defaults; ungrouped models go to the implicit group; every model knows its group', () => {
    const { config } = loadOk(
      yamlOf(
        'models:',
        ...['a', 'b', 'c', 'd'].flatMap((id) => [`  ${id}:`, '    cmd: srv --port ${PORT}']),
        'groups:',
        '  pair:',
        '    members: [c, a]',
        '  solo:',
        '    swap: false',
        '    exclusive: false',
        '    persistent: true',
      ),
    );
    expect(config.groups).toEqual([
      { id: 'pair', swap: true, exclusive: true, persistent: false, members: ['c', 'a'], implicit: false },
      { id: 'solo', swap: false, exclusive: false, persistent: true, members: [], implicit: false },
      { id: IMPLICIT_GROUP_ID, swap: true, exclusive: true, persistent: false, members: ['b', 'd'], implicit: true },
    ]);
    expect(config.models.map((m) => [m.id, m.groupId])).toEqual([
      ['a', 'pair'],
      ['b', IMPLICIT_GROUP_ID],
      ['c', 'pair'],
      ['d', IMPLICIT_GROUP_ID],
    ]);
  });

  test('no implicit group when every model is in a group', () => {
    const { config } = loadOk(yamlOf('models:', '  a:', '    cmd: srv --port ${PORT}', 'groups:', '  g: { members: [a] }'));
    expect(config.groups.map((g) => g.id)).toEqual(['g']);
  });
});

describe('peers, api keys and governance', () => {
  test('peers: trailing slash stripped, apiKey null when absent, filters normalized', () => {
    const { config } = loadOk(
      yamlOf('models: {}', 'peers:', '  a:', '    proxy: http://10.0.0.1:8080/', '    models: [x, y]', '    filters: { stripParams: "top_k" }'),
    );
    expect(config.peers).toEqual([
      { id: 'a', proxy: 'http://10.0.0.1:8080', models: ['x', 'y'], apiKey: null, filters: { stripParams: ['top_k'], setParams: {}, setParamsByID: {} } },
    ]);
  });

  test('apiKeys: strings get a name and full access; objects keep their settings', () => {
    const { config } = loadOk(
      yamlOf('models: {}', 'apiKeys:', '  - sk-a', '  - key: sk-b', '    name: ops', '    models: [m]', '    requestsPerMinute: 5', '    admin: true', '  - { key: sk-c }'),
    );
    expect(config.apiKeys).toEqual([
      { key: 'sk-a', name: 'key-0', models: null, requestsPerMinute: null, admin: false },
      { key: 'sk-b', name: 'ops', models: ['m'], requestsPerMinute: 5, admin: true },
      { key: 'sk-c', name: 'key-2', models: null, requestsPerMinute: null, admin: false },
    ]);
  });

  test('policy rules get their per-type defaults', () => {
    const { config } = loadOk(
      yamlOf(
        'models: {}',
        'policies:',
        '  - id: p',
        '    rules:',
        '      - { type: pii_detection }',
        '      - { type: content_filter, terms: [x] }',
        '      - { type: topic_block, topics: [t], applies_to: [response] }',
        '      - { type: prompt_injection, action: monitor }',
        '      - { type: response_length, max_tokens: 10 }',
      ),
    );
    expect(config.policies).toEqual([
      {
        id: 'p',
        description: null,
        models: ['*'],
        rules: [
          { type: 'pii_detection', action: 'redact', appliesTo: ['request', 'response'], patterns: ['email', 'ssn', 'credit_card', 'phone', 'ipv4', 'iban', 'api_key'] },
          { type: 'content_filter', action: 'block', appliesTo: ['request', 'response'], categories: [], terms: ['x'] },
          { type: 'topic_block', action: 'block', appliesTo: ['response'], topics: ['t'] },
          { type: 'prompt_injection', action: 'monitor', appliesTo: ['request'] },
          { type: 'response_length', action: 'truncate', appliesTo: ['response'], maxTokens: 10 },
        ],
      },
    ]);
  });

  test('audit path is relative to the config file; audit, rateLimits and cache defaults', () => {
    const text = yamlOf('models: {}', 'audit:', '  path: ./audit/a.jsonl', 'rateLimits:', '  default: { requestsPerMinute: 60 }', 'cache: { enabled: true }');
    const { config } = loadOk(text, {}, { baseDir: '/etc/swapgate' });
    expect(config.audit).toEqual({ path: '/etc/swapgate/audit/a.jsonl', immutable: true, retentionDays: 0, logAllAccess: false, flushIntervalMs: 0, fsync: false });
    expect(config.rateLimits).toEqual({ defaultRequestsPerMinute: 60 });
    expect(config.cache).toEqual({ enabled: true, ttlMs: 300_000, maxEntries: 1000 });
  });

  test('a config with neither models nor peers loads with a warning', () => {
    expect(loadOk(yamlOf('models: {}')).warnings).toEqual(['config.yaml:1:1 models: no models and no peers are configured']);
  });
});
