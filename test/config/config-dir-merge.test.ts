// The files of a config dir merge as llama-swap merges them (internal/config/merge.go and its
// merge_test.go): identity maps refuse a repeated key, other maps merge, lists concatenate,
// different scalars conflict, an empty value yields. Every error names file:line:col, and a
// merge error names the other file's line too.
import { describe, expect, it } from 'vitest';
import { formatConfigIssue } from '../../src/config/config-issue.js';
import { loadConfigTexts } from '../../src/config/load-config-texts.js';
import type { Config } from '../../src/config/types.js';
import { yamlOf, type Env } from './config-test-helpers.js';

const A = '/cfg/a.yaml';
const B = '/cfg/b.yaml';
const C = '/cfg/c.yaml';

function load(files: Array<[string, string]>, env: Env = {}): ReturnType<typeof loadConfigTexts> {
  return loadConfigTexts(
    files.map(([file, text]) => ({ file, text })),
    env,
  );
}

function loadOk(files: Array<[string, string]>, env: Env = {}): { config: Config; warnings: string[] } {
  const result = load(files, env);
  if (!result.ok) throw new Error(`expected the config to load, got:\n${result.errors.map(formatConfigIssue).join('\n')}`);
  return { config: result.config, warnings: result.warnings.map(formatConfigIssue) };
}

function errorsOf(files: Array<[string, string]>, env: Env = {}): string[] {
  const result = load(files, env);
  if (result.ok) throw new Error('expected the config to be rejected, but it loaded');
  return result.errors.map(formatConfigIssue);
}

const model = (id: string, cmd = 'server --port ${PORT}'): string[] => [`  ${id}:`, `    cmd: ${cmd}`];

describe('config dir merge', () => {
  it('adds the models of every file, in file order', () => {
    const { config } = loadOk([
      [A, yamlOf('models:', ...model('zeta'), ...model('alpha'))],
      [B, yamlOf('models:', ...model('beta'))],
    ]);
    expect(config.models.map((m) => m.id)).toEqual(['zeta', 'alpha', 'beta']);
  });

  it('refuses a model defined in two files, naming both places', () => {
    const errors = errorsOf([
      [A, yamlOf('models:', ...model('dup'), ...model('other'))],
      [B, yamlOf('# the same id again', 'models:', ...model('dup'))],
    ]);
    expect(errors).toEqual([`${B}:3:3 models.dup: duplicate models "dup": already defined at ${A}:2:3`]);
  });

  it('refuses a repeated group, peer, profile, selector and routing group; each is one thing', () => {
    const first = yamlOf(
      'groups:',
      '  g: {members: [m1]}',
      'peers:',
      '  remote: {proxy: "http://x:1", models: [m1]}',
      'profiles:',
      '  shared: {pins: {a: m1}}',
      'selectors:',
      '  s: {strategy: pin, targets: [m1]}',
      'routing:',
      '  router:',
      '    settings:',
      '      groups:',
      '        rg: {members: [m1]}',
    );
    const errors = errorsOf([
      [A, first],
      [B, first],
    ]);
    expect(errors).toEqual([
      `${B}:2:3 groups.g: duplicate groups "g": already defined at ${A}:2:3`,
      `${B}:4:3 peers.remote: duplicate peers "remote": already defined at ${A}:4:3`,
      `${B}:6:3 profiles.shared: duplicate profiles "shared": already defined at ${A}:6:3`,
      `${B}:8:3 selectors.s: duplicate selectors "s": already defined at ${A}:8:3`,
      `${B}:13:9 routing.router.settings.groups.rg: duplicate routing.router.settings.groups "rg": already defined at ${A}:13:9`,
    ]);
  });

  it('a setting set in two files must have the same value', () => {
    const errors = errorsOf([
      [A, yamlOf('globalTTL: 100', 'models:', ...model('m1'))],
      [B, yamlOf('models:', ...model('m2'), 'globalTTL: 200')],
    ]);
    expect(errors).toEqual([
      `${B}:4:12 globalTTL: set to 200 here and to 100 at ${A}:1:12; files may repeat a setting only with the same value`,
    ]);
    const same = loadOk([
      [A, yamlOf('globalTTL: 100', 'models:', ...model('m1'))],
      [B, yamlOf('globalTTL: 100', 'models:', ...model('m2'))],
    ]);
    expect(same.config.models.map((m) => m.ttlMs)).toEqual([100_000, 100_000]);
  });

  it('a map and a list (or a number) cannot merge', () => {
    const errors = errorsOf([
      [A, yamlOf('startPort: 5800', 'models:', ...model('m1'))],
      [B, yamlOf('startPort: [5800, 5801]', 'models:', ...model('m2'))],
    ]);
    expect(errors).toEqual([`${B}:1:12 startPort: cannot merge a list here with 5800 at ${A}:1:12`]);
  });

  it('lists concatenate, and an error in the second file points into that file', () => {
    const { config } = loadOk([
      [A, yamlOf('apiKeys: [sk-a]', 'models:', ...model('m1'))],
      [B, yamlOf('apiKeys: [sk-b]', 'models:', ...model('m2'))],
    ]);
    expect(config.apiKeys.map((k) => k.key)).toEqual(['sk-a', 'sk-b']);

    const errors = errorsOf([
      [A, yamlOf('apiKeys: [sk-a]', 'models:', ...model('m1'))],
      [B, yamlOf('models:', ...model('m2'), 'apiKeys:', '  - {name: no-key}')],
    ]);
    expect(errors).toEqual([`${B}:5:5 apiKeys[1]: missing required key "key"`]);
  });

  it('maps that are not identity maps merge key by key (macros of one file serve another)', () => {
    const { config } = loadOk([
      [A, yamlOf('macros:', '  LOW: 1', 'models:', ...model('m1', 'server --port ${PORT} -x ${LOW}'))],
      [B, yamlOf('macros:', '  HIGH: 2', 'models:', ...model('m2', 'server --port ${PORT} -y ${LOW} ${HIGH}'))],
    ]);
    expect(config.models.find((m) => m.id === 'm2')?.cmd.slice(-3)).toEqual(['-y', '1', '2']);
  });

  it('an empty value yields to the other file', () => {
    const { config } = loadOk([
      [A, yamlOf('globalTTL:', 'models:', ...model('m1'))],
      [B, yamlOf('globalTTL: 7', 'models:')],
    ]);
    expect(config.models[0]?.ttlMs).toBe(7_000);
  });

  it('validation errors and warnings name the file that holds the key', () => {
    const result = load([
      [A, yamlOf('models:', ...model('m1'))],
      [B, yamlOf('models:', '  m2:', '    cmd: server --port ${PORT}', '    ttl: ten', '    nosuch: 1')],
    ]);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors.map(formatConfigIssue)).toEqual([`${B}:4:10 models.m2.ttl: expected a non-negative integer, got "ten"`]);
    expect(result.warnings.map(formatConfigIssue)).toEqual([`${B}:5:5 models.m2.nosuch: unknown key "nosuch"; ignored`]);
  });

  it('each file gets its own ${env.X} and YAML anchors; a missing variable is placed in its file', () => {
    const { config } = loadOk(
      [
        [A, yamlOf('base: &base', '  ttl: 5', 'models:', '  m1:', '    <<: *base', '    cmd: server --port ${PORT}')],
        [B, yamlOf('models:', '  m2:', '    cmd: server --port ${PORT} --key ${env.KEY}')],
      ],
      { KEY: 'k1' },
    );
    expect(config.models.map((m) => [m.id, m.ttlMs, m.cmd.at(-1)])).toEqual([
      ['m1', 5_000, '${PORT}'],
      ['m2', 0, 'k1'],
    ]);
    const errors = errorsOf([
      [A, yamlOf('models:', ...model('m1'))],
      [B, yamlOf('models:', '  m2:', '    cmd: server --key ${env.NOPE}')],
    ]);
    expect(errors).toEqual([`${B}:3:23 models.m2.cmd: environment variable NOPE is not set (used as \${env.NOPE})`]);
  });

  it('reports the syntax errors of every file, and a file that is not a map', () => {
    const errors = errorsOf([
      [A, yamlOf('models: [', '')],
      [B, yamlOf('- just', '- a list')],
      [C, yamlOf('models:', ...model('m3'))],
    ]);
    expect(errors.map((e) => e.split(' ')[0])).toEqual([expect.stringMatching(/^\/cfg\/a\.yaml:\d+:\d+$/), `${B}:1:1`]);
    expect(errors[1]).toBe(`${B}:1:1 the file must hold a map of settings, got a list`);
  });
});
