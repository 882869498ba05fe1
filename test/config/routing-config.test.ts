// The routing block as llama-swap's loader reads it, and the matrix's checks, each error at its
// file:line:col (inside the expression when it has a place there).
import { describe, expect, test } from 'vitest';
import { IMPLICIT_GROUP_ID, type Config, type MatrixConfig } from '../../src/config/types.js';
import { loadErrors, loadOk, modelOf, yamlOf } from './config-test-helpers.js';

const MODELS = ['models:', '  gemma: { cmd: "srv ${PORT}" }', '  qwen: { cmd: "srv ${PORT}" }', '  voxtral: { cmd: "srv ${PORT}", aliases: [tts] }'];

function matrixOf(config: Config): MatrixConfig {
  if (config.routing.router.use !== 'matrix') throw new Error('expected the matrix router');
  return config.routing.router.matrix;
}

describe('choosing the router', () => {
  test('no routing: the group router with llama-swap defaults', () => {
    const { config } = loadOk(yamlOf(...MODELS));
    expect(config.routing).toEqual({ router: { use: 'group' }, fifoPriority: {} });
    expect(config.groups.map((g) => g.id)).toEqual([IMPLICIT_GROUP_ID]);
  });

  test('legacy top-level matrix: the matrix router, no groups', () => {
    const { config, warnings } = loadOk(yamlOf(...MODELS, 'matrix:', '  vars: { g: gemma }', '  sets: { duo: "g & voxtral" }'));
    expect(warnings).toEqual([]);
    expect(config.routing.router.use).toBe('matrix');
    expect(matrixOf(config).sets.map((s) => [s.name, [...s.models]])).toEqual([['duo', ['gemma', 'voxtral']]]);
    expect(config.groups).toEqual([]);
    expect(modelOf(config, 'gemma').groupId).toBeNull();
  });

  test('routing.router.settings.groups work as the top-level groups, errors named by their path', () => {
    const text = yamlOf(...MODELS, 'routing:', '  router:', '    settings:', '      groups:', '        duo: { swap: false, members: [gemma, tts] }');
    expect(loadErrors(text)).toEqual([
      'config.yaml:9:46 routing.router.settings.groups.duo.members[1]: unknown model "tts" ("tts" is an alias of "voxtral"; use the model id)',
    ]);
    const { config } = loadOk(text.replace('gemma, tts]', 'gemma, voxtral]'));
    expect(config.groups.map((g) => [g.id, g.swap, g.members])).toEqual([
      ['duo', false, ['gemma', 'voxtral']],
      [IMPLICIT_GROUP_ID, true, ['qwen']],
    ]);
    expect(modelOf(config, 'gemma').groupId).toBe('duo');
  });

  test('legacy groups with routing.router is an error; so are groups with a matrix', () => {
    expect(loadErrors(yamlOf(...MODELS, 'groups:', '  g: { members: [gemma] }', 'routing:', '  router:', '    use: group'))).toEqual([
      'config.yaml:5:1 groups: the legacy top-level "groups"/"matrix" cannot be used together with "routing.router"; move "groups" into routing.router.settings',
    ]);
    expect(loadErrors(yamlOf(...MODELS, 'groups:', '  g: { members: [gemma] }', 'matrix:', '  sets: { s: gemma }'))).toEqual([
      'config.yaml:7:1 matrix: a config cannot use both "groups" and "matrix"',
    ]);
  });

  test('use: matrix needs settings.matrix; settings the router does not use are named', () => {
    expect(loadErrors(yamlOf(...MODELS, 'routing:', '  router:', '    use: matrix'))).toEqual([
      'config.yaml:7:10 routing.router.use: routing.router.use is "matrix" but routing.router.settings.matrix is not set',
    ]);
    const unused = loadOk(yamlOf(...MODELS, 'routing:', '  router:', '    settings:', '      matrix: { sets: { s: gemma } }'));
    expect(unused.config.routing.router.use).toBe('group');
    expect(unused.warnings).toEqual([
      'config.yaml:8:7 routing.router.settings.matrix: not used: routing.router.use is not set (the group router is the default)',
    ]);
  });

  test('unknown router or scheduler names are schema errors', () => {
    expect(loadErrors(yamlOf(...MODELS, 'routing:', '  router: { use: pool }', '  scheduler: { use: fairshare }'))).toEqual([
      'config.yaml:6:18 routing.router.use: expected one of group, matrix, got "pool"',
      'config.yaml:7:21 routing.scheduler.use: expected one of fifo, got "fairshare"',
    ]);
  });
});

describe('fifo priority', () => {
  test('keys may be ids or aliases; unknown ones are errors', () => {
    const head = [...MODELS, 'routing:', '  scheduler:', '    settings:', '      fifo:', '        priority:'];
    expect(loadOk(yamlOf(...head, '          tts: 10', '          qwen: -1')).config.routing.fifoPriority).toEqual({ voxtral: 10, qwen: -1 });
    expect(loadErrors(yamlOf(...head, '          gema: 1', '          qwen: high'))).toEqual([
      'config.yaml:10:11 routing.scheduler.settings.fifo.priority.gema: unknown model "gema" (did you mean "gemma"?)',
      'config.yaml:11:17 routing.scheduler.settings.fifo.priority.qwen: expected an integer, got "high"',
    ]);
  });
});

describe('matrix checks', () => {
  test('vars, evict_costs and expressions, each at its place (a var already reported is not reported again)', () => {
    const text = yamlOf(
      ...MODELS,
      'matrix:',
      '  vars:',
      '    g: gemma',
      '    a_b: qwen',
      '    t: tts',
      '  evict_costs:',
      '    x: 5',
      '    gemma: 0',
      '  sets:',
      '    empty: ""',
      '    open: "g & (qwen | voxtral"',
      '    unknown: "g & qwen & zz"',
      '    ref: "+missing | g"',
      '    at: "g @ qwen"',
      '    dangling: "g &"',
      '    quiet: "t & a_b"',
    );
    expect(loadErrors(text)).toEqual([
      'config.yaml:8:5 matrix.vars.a_b: var name "a_b" must contain only letters, digits, "-" or "." and be 1-32 characters long',
      'config.yaml:9:8 matrix.vars.t: var "t" references unknown model "tts" ("tts" is an alias of "voxtral"; use the model id)',
      'config.yaml:11:5 matrix.evict_costs.x: unknown var or model "x"',
      'config.yaml:12:12 matrix.evict_costs.gemma: expected a positive integer, got 0',
      'config.yaml:14:12 matrix.sets.empty: empty DSL expression',
      'config.yaml:15:16 matrix.sets.open: missing closing parenthesis',
      'config.yaml:16:26 matrix.sets.unknown: unknown var or model "zz"',
      'config.yaml:17:11 matrix.sets.ref: references undefined set "missing"',
      'config.yaml:18:12 matrix.sets.at: unexpected character "@" at position 2',
      'config.yaml:19:19 matrix.sets.dangling: unexpected end of expression',
    ]);
  });

  test('hints for near misses and aliases inside expressions', () => {
    expect(loadErrors(yamlOf(...MODELS, 'matrix:', '  sets:', '    s: "gemma & tts | qwn"', '    t: "+ss"'))).toEqual([
      'config.yaml:7:17 matrix.sets.s: unknown var or model "tts" ("tts" is an alias of "voxtral"; use the model id)',
      'config.yaml:7:23 matrix.sets.s: unknown var or model "qwn" (did you mean "qwen"?)',
      'config.yaml:8:9 matrix.sets.t: references undefined set "ss" (did you mean "s"?)',
    ]);
  });

  test('cycles, and a matrix without sets', () => {
    expect(loadErrors(yamlOf(...MODELS, 'matrix:', '  sets:', '    a: "+b"', '    b: "+c & gemma"', '    c: "+a"'))).toEqual([
      'config.yaml:7:5 matrix.sets.a: circular reference detected involving set "a"',
    ]);
    expect(loadErrors(yamlOf(...MODELS, 'matrix:', '  vars: { g: gemma }'))).toEqual(['config.yaml:5:1 matrix.sets: matrix must define at least one set']);
  });

  test('vars win over model ids; evict costs resolve to model ids; sets in solve order', () => {
    const { config } = loadOk(
      yamlOf(...MODELS, 'matrix:', '  vars: { qwen: gemma, v: voxtral }', '  evict_costs: { v: 50, qwen: 2 }', '  sets:', '    top: "+base & v"', '    base: "qwen"'),
    );
    const matrix = matrixOf(config);
    expect(matrix.evictCosts).toEqual({ voxtral: 50, gemma: 2 });
    expect(matrix.sets.map((s) => [s.name, [...s.models]])).toEqual([
      ['base', ['gemma']],
      ['top', ['gemma', 'voxtral']],
    ]);
  });

  test('the errors of a matrix under routing.router.settings name that path', () => {
    const text = yamlOf(...MODELS, 'routing:', '  router:', '    use: matrix', '    settings:', '      matrix:', '        sets: { s: "gemma & nope" }');
    expect(loadErrors(text)).toEqual(['config.yaml:10:29 routing.router.settings.matrix.sets.s: unknown var or model "nope"']);
  });
});
