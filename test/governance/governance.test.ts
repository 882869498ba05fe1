// What createGovernance builds for a config: nothing at all when nothing is configured (the
// proxy path stays the ungoverned one), and bad settings fail at boot.
import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/types.js';
import { createGovernance } from '../../src/server/governance/governance.js';
import { silentLogger } from '../../src/shared/logger.js';
import { makeConfig, makeModel } from '../helpers/model-config.js';

const build = (overrides: Partial<Config>) => createGovernance(makeConfig([makeModel('m')], overrides), { logger: silentLogger() });
const key = { key: 'sk-1', name: 'one', models: null, requestsPerMinute: null, admin: false };

describe('createGovernance', () => {
  it('adds nothing to the request path when nothing is configured', () => {
    const governance = build({});
    expect(governance.middleware).toBeNull();
    expect(governance.proxy).toBeNull();
    expect(governance.audit).toBeNull();
  });

  it('adds only what a setting needs', () => {
    expect(build({ apiKeys: [key] })).toMatchObject({ middleware: expect.any(Function), proxy: null });
    expect(build({ apiKeys: [{ ...key, models: ['m'] }] }).proxy).not.toBeNull();
    expect(build({ rateLimits: { defaultRequestsPerMinute: 10 } })).toMatchObject({ middleware: expect.any(Function), proxy: null });
    expect(build({ cache: { enabled: true, ttlMs: 1000, maxEntries: 1 } })).toMatchObject({ middleware: null, proxy: expect.any(Object) });
    const policies = [{ id: 'p', description: null, models: ['*'], rules: [{ type: 'prompt_injection' as const, action: 'block' as const, appliesTo: ['request' as const] }] }];
    expect(build({ policies })).toMatchObject({ middleware: null, proxy: expect.any(Object) });
  });

  it('fails at boot on an empty key or a bad rule', () => {
    expect(() => build({ apiKeys: [{ ...key, key: '' }] })).toThrow(/apiKeys\[0\] \("one"\): the key is empty/);
    const bad = [{ id: 'bad', description: null, models: ['*'], rules: [{ type: 'content_filter' as const, action: 'block' as const, appliesTo: ['request' as const], categories: [], terms: ['/[/'] }] }];
    expect(() => build({ policies: bad })).toThrow(/bad/);
  });
});
