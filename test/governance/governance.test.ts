// What createGovernance builds for a config: nothing at all when nothing is configured (the
// proxy path stays the ungoverned one), and bad settings fail at boot.
import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/types.js';
import { createGovernance } from '../../src/governance/create-governance.js';
import { silentLogger } from '../../src/shared/logger.js';
import { makeConfig, makeModel } from '../helpers/model-config.js';

const build = (overrides: Partial<Config>) => createGovernance(makeConfig([makeModel('m')], overrides), { logger: silentLogger() });
const key = { key: 'sk-1', name: 'one', models: null, requestsPerMinute: null, admin: false };

describe('createGovernance', () => {
  it('adds nothing to the request path when nothing is configured', () => {
    const governance = build({});
    expect(governance.hooks).toEqual([]);
    expect(governance.audit).toBeNull();
  });

  it('adds only the hooks a setting needs, at the stages it acts on', () => {
    const stages = (overrides: Partial<Config>) =>
      build(overrides).hooks.map((h) => [h.name, h.admitCaller !== undefined, h.admitModel !== undefined, h.onFinished !== undefined]);
    expect(stages({ apiKeys: [key] })).toEqual([['api-key', true, false, false]]);
    expect(stages({ apiKeys: [{ ...key, models: ['m'] }] })).toEqual([['api-key', true, true, false]]);
    expect(stages({ rateLimits: { defaultRequestsPerMinute: 10 } })).toEqual([['rate-limit', true, false, false]]);
    expect(stages({ cache: { enabled: true, ttlMs: 1000, maxEntries: 1 } })).toEqual([['cache', false, true, false]]);
    const policies = [{ id: 'p', description: null, models: ['*'], rules: [{ type: 'prompt_injection' as const, action: 'block' as const, appliesTo: ['request' as const] }] }];
    expect(stages({ policies })).toEqual([['policy', false, true, false]]);
  });

  it('fails at boot on an empty key or a bad rule', () => {
    expect(() => build({ apiKeys: [{ ...key, key: '' }] })).toThrow(/apiKeys\[0\] \("one"\): the key is empty/);
    const bad = [{ id: 'bad', description: null, models: ['*'], rules: [{ type: 'content_filter' as const, action: 'block' as const, appliesTo: ['request' as const], categories: [], terms: ['/[/'] }] }];
    expect(() => build({ policies: bad })).toThrow(/bad/);
  });
});
