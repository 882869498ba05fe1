// Macro errors: each names its place (file:line:col and path) and what is wrong.
import { describe, expect, test } from 'vitest';
import { loadErrors, loadWarnings, yamlOf } from './config-test-helpers.js';

describe('macros: errors name the place', () => {
  test.each(['PORT', 'PID', 'MODEL_ID'])('reserved name %s', (name) => {
    expect(loadErrors(yamlOf('macros:', `  ${name}: 1`, 'models: {}'))).toEqual([
      `config.yaml:2:3 macros.${name}: macro name "${name}" is reserved: swapgate sets \${${name}} itself`,
    ]);
  });

  test('reserved name in a model macro', () => {
    expect(loadErrors(yamlOf('models:', '  m:', '    macros:', '      PORT: 8080', '    cmd: srv --port 1', '    proxy: http://h:1'))).toEqual([
      'config.yaml:4:7 models.m.macros.PORT: macro name "PORT" is reserved: swapgate sets ${PORT} itself',
    ]);
  });

  test('invalid names and names of 64 characters or more', () => {
    const long = 'x'.repeat(64);
    expect(loadErrors(yamlOf('macros:', '  "bad name": 1', `  ${long}: 2`, '  "x.y": 3', 'models: {}'))).toEqual([
      'config.yaml:2:3 macros.bad name: invalid macro name "bad name": use letters, digits, "_" and "-", under 64 characters',
      `config.yaml:3:3 macros.${long}: invalid macro name "${long}": use letters, digits, "_" and "-", under 64 characters`,
      'config.yaml:4:3 macros.x.y: invalid macro name "x.y": use letters, digits, "_" and "-", under 64 characters',
    ]);
  });

  test('values must be scalars', () => {
    expect(loadErrors(yamlOf('macros:', '  list: [1, 2]', '  map:', '    a: 1', '  nothing:', 'models: {}'))).toEqual([
      'config.yaml:2:3 macros.list: expected a string, a number or a boolean, got a list',
      'config.yaml:3:3 macros.map: expected a string, a number or a boolean, got a map',
      'config.yaml:5:3 macros.nothing: expected a string, a number or a boolean, got nothing',
    ]);
  });

  test('self reference, global and in a model (a model macro cannot use the global it overrides)', () => {
    expect(
      loadErrors(
        yamlOf('macros:', '  a: x ${a}', '  ctx: 1', 'models:', '  m:', '    macros:', '      ctx: ${ctx}0', '    cmd: srv --port ${PORT}'),
      ),
    ).toEqual([
      'config.yaml:2:8 macros.a: macro "a" refers to itself',
      'config.yaml:7:12 models.m.macros.ctx: macro "ctx" refers to itself',
    ]);
  });

  test('a macro may not use one declared after it', () => {
    expect(loadErrors(yamlOf('macros:', '  first: ${second} x', '  second: 2', 'models: {}'))).toEqual([
      'config.yaml:2:10 macros.first: macro "first" uses ${second}, which is declared after it',
    ]);
  });

  test('a model-only macro may use globals and its own earlier macros, not later ones', () => {
    expect(
      loadErrors(
        yamlOf(
          'macros:',
          '  g: 1',
          'models:',
          '  m:',
          '    macros:',
          '      a: ${g}',
          '      b: ${a} ${c}',
          '      c: 3',
          '    cmd: srv --port ${PORT} ${b}',
        ),
      ),
    ).toEqual(['config.yaml:7:15 models.m.macros.b: macro "b" uses ${c}, which is declared after it']);
  });

  test('unknown macro inside a macro value, with a suggestion', () => {
    expect(loadErrors(yamlOf('macros:', '  ctx: 1', '  args: -c ${ctz}', 'models: {}'))).toEqual([
      'config.yaml:3:12 macros.args: macro "args" uses unknown macro ${ctz} (did you mean "ctx"?)',
    ]);
  });

  test('unknown ${x} anywhere in a model names the key and the column of the reference', () => {
    const errors = loadErrors(
      yamlOf(
        'models:',
        '  m:',
        '    cmd: |',
        '      srv --port ${PORT}',
        '      --model ${modles_dir}/x.gguf',
        '    proxy: http://localhost:${PORT}${path}',
        '    name: ${nam}',
        '    env: ["A=${a}"]',
        '    aliases: ["${al}"]',
        '    filters:',
        '      stripParams: "${sp}"',
        '      setParams: { x: "${sp2}" }',
        '    metadata:',
        '      deep: { list: [1, "v ${md}"] }',
      ),
    );
    expect(errors).toEqual([
      'config.yaml:5:15 models.m.cmd: unknown macro ${modles_dir}',
      'config.yaml:6:36 models.m.proxy: unknown macro ${path}',
      'config.yaml:7:11 models.m.name: unknown macro ${nam}',
      'config.yaml:8:14 models.m.env[0]: unknown macro ${a}',
      'config.yaml:9:16 models.m.aliases[0]: unknown macro ${al}',
      'config.yaml:11:21 models.m.filters.stripParams: unknown macro ${sp}',
      'config.yaml:12:24 models.m.filters.setParams.x: unknown macro ${sp2}',
      'config.yaml:14:28 models.m.metadata.deep.list[1]: unknown macro ${md}',
    ]);
  });

  test('${PID} is only allowed in cmdStop', () => {
    expect(
      loadErrors(yamlOf('models:', '  m:', '    cmd: srv --port ${PORT} --parent ${PID}', '    metadata: { pid: "${PID}" }')),
    ).toEqual([
      'config.yaml:3:38 models.m.cmd: ${PID} is only available in cmdStop',
      'config.yaml:4:23 models.m.metadata.pid: ${PID} is only available in cmdStop',
    ]);
  });

  test('${PORT} is an error outside cmd/cmdStop/proxy/checkEndpoint, a warning in descriptive fields', () => {
    const text = yamlOf(
      'models:',
      '  m:',
      '    cmd: srv --port ${PORT}',
      '    env: ["PORT=${PORT}"]',
      '    useModelName: m-${PORT}',
      '    description: listens on ${PORT}',
      '    metadata: { port: "${PORT}" }',
    );
    expect(loadErrors(text)).toEqual([
      'config.yaml:4:17 models.m.env[0]: ${PORT} is only available in cmd, cmdStop, proxy and checkEndpoint',
      'config.yaml:5:21 models.m.useModelName: ${PORT} is only available in cmd, cmdStop, proxy and checkEndpoint',
    ]);
    expect(loadWarnings(text)).toEqual([
      'config.yaml:6:29 models.m.description: ${PORT} is not known when the config loads (a port is picked at each start); kept as text',
      'config.yaml:7:24 models.m.metadata.port: ${PORT} is not known when the config loads (a port is picked at each start); kept as text',
    ]);
  });

  test('proxy using ${PORT} while cmd does not is an error, also through the default proxy', () => {
    expect(
      loadErrors(yamlOf('models:', '  explicit:', '    cmd: srv --port 9000', '    proxy: http://localhost:${PORT}', '  implicit:', '    cmd: srv --port 9001')),
    ).toEqual([
      'config.yaml:4:29 models.explicit.proxy: proxy uses ${PORT} but cmd does not: ${PORT} only has a value when cmd uses it',
      'config.yaml:5:3 models.implicit: cmd does not use ${PORT}, so proxy must be set (the default http://localhost:${PORT} needs cmd to use ${PORT})',
    ]);
  });

  test('${MODEL_ID} is not available in peers or apiKeys', () => {
    expect(loadErrors(yamlOf('models: {}', 'apiKeys: ["k-${MODEL_ID}"]'))).toEqual([
      'config.yaml:2:14 apiKeys[0]: ${MODEL_ID} is only available inside a model',
    ]);
  });

  test('every macro problem of a file is reported in one run', () => {
    const errors = loadErrors(
      yamlOf('macros:', '  PORT: 1', '  a: ${a}', '  b: ${zzz}', 'models:', '  m:', '    cmd: srv ${PORT} ${nope} ${PID}', '  n:', '    cmd: srv ${PORT} ${nope2}'),
    );
    expect(errors).toEqual([
      'config.yaml:2:3 macros.PORT: macro name "PORT" is reserved: swapgate sets ${PORT} itself',
      'config.yaml:3:6 macros.a: macro "a" refers to itself',
      'config.yaml:4:6 macros.b: macro "b" uses unknown macro ${zzz}',
      'config.yaml:7:22 models.m.cmd: unknown macro ${nope}',
      'config.yaml:7:30 models.m.cmd: ${PID} is only available in cmdStop',
      'config.yaml:9:22 models.n.cmd: unknown macro ${nope2}',
    ]);
  });
});
