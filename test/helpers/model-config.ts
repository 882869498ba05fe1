// Builds normalized configs directly (bypassing YAML) for process/supervisor/server tests.
import { fileURLToPath } from 'node:url';
import {
  IMPLICIT_GROUP_ID,
  type Config,
  type GroupConfig,
  type ModelConfig,
} from '../../src/config/types.js';
import { randomStartPort } from './random-start-port.js';

export const FAKE_UPSTREAM = fileURLToPath(new URL('../fixtures/fake-upstream.mjs', import.meta.url));

/** argv that runs the fake upstream on ${PORT} with extra flags. */
export function fakeCmd(...flags: string[]): string[] {
  return [process.execPath, FAKE_UPSTREAM, '--port', '${PORT}', ...flags];
}

export function makeModel(id: string, overrides: Partial<ModelConfig> = {}): ModelConfig {
  return {
    id,
    cmd: fakeCmd('--model', id),
    cmdStop: null,
    proxy: 'http://127.0.0.1:${PORT}',
    checkEndpoint: '/health',
    usesPort: true,
    ttlMs: 0,
    unloadTimeoutMs: 5_000,
    healthCheckTimeoutMs: 15_000,
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
    ...overrides,
  };
}

export function makeConfig(models: ModelConfig[], overrides: Partial<Config> = {}): Config {
  const explicit = overrides.groups ?? [];
  const grouped = new Set(explicit.flatMap((g) => g.members));
  const loose = models.filter((m) => !grouped.has(m.id)).map((m) => m.id);
  const implicit: GroupConfig[] =
    loose.length > 0
      ? [{ id: IMPLICIT_GROUP_ID, swap: true, exclusive: true, persistent: false, members: loose, implicit: true }]
      : [];
  const groupOf = new Map<string, string>();
  for (const g of [...explicit, ...implicit]) for (const m of g.members) groupOf.set(m, g.id);
  return {
    sourcePath: '<test>',
    loadedAtSec: 1_700_000_000,
    healthCheckTimeoutMs: 15_000,
    logLevel: 'info',
    logToStdout: 'none',
    logFormat: 'json',
    logTimeFormat: 'default',
    startPort: randomStartPort(),
    includeAliasesInList: false,
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
    routing: { router: { use: 'group' }, fifoPriority: {} },
    ...overrides,
    models: models.map((m) => ({ ...m, groupId: groupOf.get(m.id) ?? IMPLICIT_GROUP_ID })),
    groups: [...explicit, ...implicit],
  };
}
