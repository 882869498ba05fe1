// Macro and ${env.NAME} substitution (macro errors: macro-errors.test.ts).
import { describe, expect, test } from 'vitest';
import { loadErrors, loadOk, modelOf, yamlOf } from './config-test-helpers.js';

describe('macros: substitution', () => {
  test('global macros, macros using earlier macros, numbers as text in cmd', () => {
    const { config } = loadOk(
      yamlOf(
        'macros:',
        '  server: /opt/llama-server',
        '  ctx: 4096',
        '  args: --ctx-size ${ctx}',
        '  base: ${server} --port ${PORT} ${args}',
        'models:',
        '  m:',
        '    cmd: ${base} -m model.gguf',
      ),
    );
    expect(modelOf(config, 'm').cmd).toEqual(['/opt/llama-server', '--port', '${PORT}', '--ctx-size', '4096', '-m', 'model.gguf']);
  });

  test('model macros override globals, also inside global macros that use them (llama-swap order)', () => {
    const { config } = loadOk(
      yamlOf(
        'macros:',
        '  ctx: 4096',
        '  args: --ctx-size ${ctx}',
        'models:',
        '  big:',
        '    macros:',
        '      ctx: 32768',
        '      extra: ${args} --big',
        '    cmd: srv --port ${PORT} ${extra}',
        '  small:',
        '    cmd: srv --port ${PORT} ${args}',
      ),
    );
    expect(modelOf(config, 'big').cmd).toEqual(['srv', '--port', '${PORT}', '--ctx-size', '32768', '--big']);
    expect(modelOf(config, 'small').cmd).toEqual(['srv', '--port', '${PORT}', '--ctx-size', '4096']);
  });

  test('a value that is exactly ${m} keeps the macro type; mixed text becomes a string', () => {
    const { config } = loadOk(
      yamlOf(
        'macros:',
        '  temp: 0.7',
        '  on: true',
        '  alias-of-temp: ${temp}',
        'models:',
        '  m:',
        '    cmd: srv --port ${PORT}',
        '    filters:',
        '      setParams:',
        '        temperature: ${temp}',
        '        indirect: ${alias-of-temp}',
        '        flag: ${on}',
        '        text: "t=${temp}"',
        '        nested: { list: ["${temp}", "${MODEL_ID}"] }',
        '    metadata:',
        '      temperature: ${temp}',
        '      note: ${MODEL_ID} at ${temp}',
      ),
    );
    const model = modelOf(config, 'm');
    expect(model.filters.setParams).toEqual({
      temperature: 0.7,
      indirect: 0.7,
      flag: true,
      text: 't=0.7',
      nested: { list: [0.7, 'm'] },
    });
    expect(model.metadata).toEqual({ temperature: 0.7, note: 'm at 0.7' });
  });

  test('${MODEL_ID} works in every model field, including setParamsByID keys', () => {
    const { config } = loadOk(
      yamlOf(
        'macros:',
        '  named: model ${MODEL_ID}',
        'models:',
        '  qwen:',
        '    cmd: docker run --name ${MODEL_ID} -p ${PORT}:8080 img',
        '    cmdStop: docker stop ${MODEL_ID}',
        '    name: ${named}',
        '    description: the ${MODEL_ID} model',
        '    useModelName: org/${MODEL_ID}',
        '    aliases: ["${MODEL_ID}-latest"]',
        '    env: ["NAME=${MODEL_ID}"]',
        '    filters:',
        '      setParamsByID:',
        '        "${MODEL_ID}:fast": { speed: 1 }',
      ),
    );
    const model = modelOf(config, 'qwen');
    expect(model.cmd).toEqual(['docker', 'run', '--name', 'qwen', '-p', '${PORT}:8080', 'img']);
    expect(model.cmdStop).toEqual(['docker', 'stop', 'qwen']);
    expect(model.name).toBe('model qwen');
    expect(model.description).toBe('the qwen model');
    expect(model.useModelName).toBe('org/qwen');
    expect(model.aliases).toEqual(['qwen-latest', 'qwen:fast']);
    expect(model.env).toEqual({ NAME: 'qwen' });
    expect(model.filters.setParamsByID).toEqual({ 'qwen:fast': { speed: 1 } });
  });

  test('${PORT} stays a placeholder in cmd, cmdStop, proxy, checkEndpoint; usesPort follows cmd', () => {
    const { config } = loadOk(
      yamlOf(
        'models:',
        '  a:',
        '    cmd: srv --port ${PORT}',
        '    cmdStop: stop --port ${PORT} --pid ${PID}',
        '    proxy: http://127.0.0.1:${PORT}/',
        '    checkEndpoint: /health?port=${PORT}',
        '  b:',
        '    cmd: srv --port 9000',
        '    proxy: http://127.0.0.1:9000',
      ),
    );
    const a = modelOf(config, 'a');
    expect(a).toMatchObject({ usesPort: true, proxy: 'http://127.0.0.1:${PORT}', checkEndpoint: '/health?port=${PORT}' });
    expect(a.cmdStop).toEqual(['stop', '--port', '${PORT}', '--pid', '${PID}']);
    expect(modelOf(config, 'b').usesPort).toBe(false);
  });

  test('macro references in cmd comment lines are neither expanded nor checked', () => {
    const { config } = loadOk(yamlOf('models:', '  m:', '    cmd: |', '      # ${not-a-macro} is fine here', '      srv --port ${PORT}'));
    expect(modelOf(config, 'm').cmd).toEqual(['srv', '--port', '${PORT}']);
  });

  test('peers and apiKeys use global macros', () => {
    const { config } = loadOk(
      yamlOf(
        'macros:',
        '  secret: sk-123',
        '  host: 10.0.0.2',
        'models: {}',
        'apiKeys:',
        '  - ${secret}',
        '  - { key: "${secret}-b", name: "team ${host}" }',
        'peers:',
        '  box:',
        '    proxy: http://${host}:8080',
        '    apiKey: ${secret}',
        '    models: [remote]',
        '    filters:',
        '      setParams: { n: "${host}" }',
      ),
    );
    expect(config.apiKeys.map((k) => [k.key, k.name])).toEqual([
      ['sk-123', 'key-0'],
      ['sk-123-b', 'team 10.0.0.2'],
    ]);
    expect(config.peers[0]).toMatchObject({ proxy: 'http://10.0.0.2:8080', apiKey: 'sk-123', filters: { setParams: { n: '10.0.0.2' } } });
  });
});

describe('${env.NAME}', () => {
  test('is substituted in any scalar, before macros; a whole plain value is re-typed like YAML', () => {
    const { config } = loadOk(
      yamlOf(
        'macros:',
        '  dir: ${env.MODELS}/gguf',
        'healthCheckTimeout: ${env.HC}',
        'models:',
        '  m:',
        '    cmd: srv --port ${PORT} -m ${dir}/x.gguf --threads "${env.THREADS}"',
        '    name: "${env.HC}"',
        'apiKeys: ["${env.KEY}"]',
      ),
      { MODELS: '/srv/models', HC: '300', THREADS: '8', KEY: 'sk-env' },
    );
    expect(config.healthCheckTimeoutMs).toBe(300_000);
    expect(modelOf(config, 'm').cmd).toEqual(['srv', '--port', '${PORT}', '-m', '/srv/models/gguf/x.gguf', '--threads', '8']);
    expect(modelOf(config, 'm').name).toBe('300');
    expect(config.apiKeys[0]?.key).toBe('sk-env');
  });

  test('an unset variable is an error at its line:column; references in comments are ignored', () => {
    const text = yamlOf(
      '# uses ${env.IN_COMMENT} only in a comment',
      'models:',
      '  m:',
      '    cmd: srv --port ${PORT} --key ${env.API_SECRET} # ${env.ALSO_COMMENT}',
      'apiKeys:',
      '  - ${env.MISSING_KEY}',
    );
    expect(loadErrors(text)).toEqual([
      'config.yaml:4:35 models.m.cmd: environment variable API_SECRET is not set (used as ${env.API_SECRET})',
      'config.yaml:6:5 apiKeys[0]: environment variable MISSING_KEY is not set (used as ${env.MISSING_KEY})',
    ]);
    expect(loadOk(text, { API_SECRET: 's', MISSING_KEY: 'k' }).config.apiKeys[0]?.key).toBe('k');
  });

  test('an empty variable is set (but an empty API key is rejected)', () => {
    expect(loadErrors(yamlOf('models: {}', 'apiKeys: ["${env.EMPTY}"]'), { EMPTY: '' })).toEqual([
      'config.yaml:2:11 apiKeys[0]: expected a non-empty string',
    ]);
  });
});
