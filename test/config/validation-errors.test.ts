import { describe, expect, test } from 'vitest';
import { loadErrors, loadOk, loadWarnings, yamlOf } from './config-test-helpers.js';

const M = ['models:', '  m:', '    cmd: srv --port ${PORT}'];

describe('schema errors are human sentences at line:column', () => {
  test('the canonical example', () => {
    expect(loadErrors(yamlOf('models:', '  llama:', '    cmd: srv --port ${PORT}', '    ttl: ten'))).toEqual([
      'config.yaml:4:10 models.llama.ttl: expected a non-negative integer, got "ten"',
    ]);
  });

  test('type, enum, minimum, maximum, required, list and map expectations', () => {
    const errors = loadErrors(
      yamlOf(
        'logLevel: verbose',
        'logToStdout: all',
        'startPort: 0',
        'globalTTL: -5',
        'sendLoadingState: "yes"',
        'maxRequestBodyMB: 0',
        'corsOrigins: "*"',
        'models:',
        '  a:',
        '    proxy: http://localhost:1',
        '  b:',
        '    cmd: srv --port ${PORT}',
        '    concurrencyLimit: 1.5',
        '    env: FOO=1',
        '  c: just a string',
        'cache: { ttl: 10, maxEntries: 0 }',
        'hooks: { on_startup: { preload: [] } }',
        'peers:',
        '  p:',
        '    proxy: http://x',
        'audit: { retention_days: 3 }',
        'policies:',
        '  - id: p1',
        '    rules:',
        '      - type: pii_detection',
        '        action: truncate',
        '        patterns: [email, passport]',
        '        applies_to: [everything]',
        '      - type: response_length',
        '      - type: sentiment',
        'rateLimits: { default: { requestsPerMinute: 70000.5 } }',
      ),
    );
    expect(errors).toEqual([
      'config.yaml:1:11 logLevel: expected one of debug, info, warn, error, got "verbose"',
      'config.yaml:2:14 logToStdout: expected one of proxy, upstream, both, none, got "all"',
      'config.yaml:3:12 startPort: expected a positive integer, got 0',
      'config.yaml:4:12 globalTTL: expected a non-negative integer, got -5',
      'config.yaml:5:19 sendLoadingState: expected true or false, got "yes"',
      'config.yaml:6:19 maxRequestBodyMB: expected a number greater than 0, got 0',
      'config.yaml:7:14 corsOrigins: expected a list, got "*"',
      'config.yaml:9:3 models.a: missing required key "cmd"',
      'config.yaml:13:23 models.b.concurrencyLimit: expected a non-negative integer, got 1.5',
      'config.yaml:14:10 models.b.env: expected a list, got "FOO=1"',
      'config.yaml:15:6 models.c: expected a map, got "just a string"',
      'config.yaml:16:31 cache.maxEntries: expected a positive integer, got 0',
      'config.yaml:19:3 peers.p: missing required key "models"',
      'config.yaml:21:1 audit: missing required key "path"',
      'config.yaml:26:17 policies[0].rules[0].action: expected one of redact, block, monitor, got "truncate"',
      'config.yaml:27:27 policies[0].rules[0].patterns[1]: expected one of email, ssn, credit_card, phone, ipv4, iban, api_key, got "passport"',
      'config.yaml:28:22 policies[0].rules[0].applies_to[0]: expected one of request, response, got "everything"',
      'config.yaml:29:9 policies[0].rules[1]: missing required key "max_tokens"',
      'config.yaml:30:15 policies[0].rules[2].type: expected one of pii_detection, content_filter, topic_block, prompt_injection, response_length, got "sentiment"',
      'config.yaml:31:45 rateLimits.default.requestsPerMinute: expected a positive integer, got 70000.5',
    ]);
  });

  test('a file without models, and a file that is not a map', () => {
    expect(loadErrors(yamlOf('logLevel: info'))).toEqual(['config.yaml:1:1 missing required key "models"']);
    expect(loadErrors('')).toEqual(['config.yaml:1:1 missing required key "models"']);
    expect(loadErrors(yamlOf('- a', '- b'))).toEqual(['config.yaml:1:1 expected a map, got a list']);
  });

  test('YAML syntax errors carry their position, and stop the load there', () => {
    expect(loadErrors(yamlOf('models:', '  m:', '    cmd: "srv', '    ttl: 1'))).toEqual([
      'config.yaml:5:1 YAML syntax error: Missing closing "quote',
    ]);
    expect(loadErrors(yamlOf(...M, '    ttl: 1', '    ttl: 2'))).toEqual(['config.yaml:5:5 YAML syntax error: duplicate key']);
    expect(loadErrors(yamlOf('models:', '  m: {cmd: x', 'groups: {}'))[0]).toMatch(/^config\.yaml:3:1 YAML syntax error: /);
    expect(loadErrors(yamlOf('models:', '  m: *missing'))).toEqual([
      'config.yaml:1:1 YAML error: Unresolved alias (the anchor must be set before the alias): missing',
    ]);
  });

  test('scalars where text is expected are accepted as text (as yaml.v3 does)', () => {
    const { config } = loadOk(yamlOf(...M, '    name: 2024', '    aliases: [4o, 5]', '    useModelName: true'));
    expect(config.models[0]).toMatchObject({ name: '2024', aliases: ['4o', '5'], useModelName: 'true' });
  });

  test('a key with no value counts as absent, as in llama-swap', () => {
    const { config } = loadOk(yamlOf('macros:', 'groups:', 'peers:', ...M, '    aliases:', '    filters:', '    ttl:'));
    expect(config.models[0]).toMatchObject({ aliases: [], ttlMs: 0 });
  });
});

describe('unknown keys are warnings, so newer llama-swap configs still load', () => {
  test('with "did you mean" for near misses, a hint for misplaced keys, and llama-swap keys named', () => {
    const text = yamlOf(
      'healthCheckTimout: 30',
      'captureBuffer: 15',
      'store: { path: x }',
      'brandNewFeature: true',
      ...M,
      '    tll: 5',
      '    checkendpoint: /h',
      '    setParams: { a: 1 }',
      '    timeouts: { connect: 1 }',
      '    filters:',
      '      stripParms: "a"',
      'groups:',
      '  g:',
      '    member: [m]',
    );
    expect(loadWarnings(text)).toEqual([
      'config.yaml:1:1 healthCheckTimout: unknown key "healthCheckTimout" (did you mean "healthCheckTimeout"?); ignored',
      'config.yaml:2:1 captureBuffer: "captureBuffer" is a llama-swap setting that swapgate ignores',
      'config.yaml:3:1 store: "store" is a llama-swap setting that swapgate ignores',
      'config.yaml:4:1 brandNewFeature: unknown key "brandNewFeature"; ignored',
      'config.yaml:8:5 models.m.tll: unknown key "tll" (did you mean "ttl"?); ignored',
      'config.yaml:9:5 models.m.checkendpoint: unknown key "checkendpoint" (did you mean "checkEndpoint"?); ignored',
      'config.yaml:10:5 models.m.setParams: unknown key "setParams" (did you mean "filters.setParams"?); ignored',
      'config.yaml:11:5 models.m.timeouts: "timeouts" is a llama-swap setting that swapgate ignores',
      'config.yaml:13:7 models.m.filters.stripParms: unknown key "stripParms" (did you mean "stripParams"?); ignored',
      'config.yaml:16:5 groups.g.member: unknown key "member" (did you mean "members"?); ignored',
    ]);
    expect(loadOk(text).config.models).toHaveLength(1);
  });

  test('free-form maps (metadata, setParams) have no unknown keys', () => {
    const text = yamlOf(...M, '    metadata: { anything: 1 }', '    filters:', '      setParams: { whatever: 2 }', '      setParamsByID: { x: { y: 3 } }');
    expect(loadWarnings(text)).toEqual([]);
  });
});

describe('semantic errors', () => {
  test('duplicate aliases across models, alias equal to a model id, setParamsByID keys included', () => {
    const errors = loadErrors(
      yamlOf(
        'models:',
        '  a:',
        '    cmd: srv --port ${PORT}',
        '    aliases: [shared, b, twice, twice]',
        '  b:',
        '    cmd: srv --port ${PORT}',
        '    aliases: [shared]',
        '    filters:',
        '      setParamsByID:',
        '        "${MODEL_ID}": { x: 1 }',
        '        a: { x: 2 }',
        '        twice: { x: 3 }',
      ),
    );
    expect(errors).toEqual([
      'config.yaml:4:23 models.a.aliases[1]: alias "b" is already a model id',
      'config.yaml:4:33 models.a.aliases[3]: duplicate alias "twice"',
      'config.yaml:7:15 models.b.aliases[0]: alias "shared" is already used by model "a"',
      'config.yaml:11:9 models.b.filters.setParamsByID.a: alias "a" is already a model id',
      'config.yaml:12:9 models.b.filters.setParamsByID.twice: alias "twice" is already used by model "a"',
    ]);
  });

  test('groups: unknown member, member twice, model in two groups, reserved id', () => {
    const errors = loadErrors(
      yamlOf(
        'models:',
        '  llama:',
        '    cmd: srv --port ${PORT}',
        '    aliases: [gpt]',
        '  qwen:',
        '    cmd: srv --port ${PORT}',
        'groups:',
        '  g1:',
        '    members: [llama, lama, gpt, llama]',
        '  g2:',
        '    members: [qwen, llama]',
        '  "(default)":',
        '    members: []',
      ),
    );
    expect(errors).toEqual([
      'config.yaml:9:22 groups.g1.members[1]: unknown model "lama" (did you mean "llama"?)',
      'config.yaml:9:28 groups.g1.members[2]: unknown model "gpt" ("gpt" is an alias of "llama"; use the model id)',
      'config.yaml:9:33 groups.g1.members[3]: model "llama" is listed twice in this group',
      'config.yaml:11:21 groups.g2.members[1]: model "llama" is already a member of group "g1"',
      'config.yaml:12:3 groups.(default): group id "(default)" is reserved for models in no group',
    ]);
  });

  test('preload: unknown model is an error; aliases become ids', () => {
    const text = (name: string): string => yamlOf(...M, '    aliases: [alias-of-m]', 'hooks:', '  on_startup:', `    preload: [alias-of-m, m, "  ", ${name}]`);
    expect(loadErrors(text('n'))).toEqual(['config.yaml:7:36 hooks.on_startup.preload[3]: unknown model "n" (did you mean "m"?)']);
    expect(loadOk(text('m')).config.preload).toEqual(['m']);
  });

  test('duplicate policy ids', () => {
    const rules = '    rules: [{ type: prompt_injection }]';
    expect(loadErrors(yamlOf('models: {}', 'policies:', '  - id: p', rules, '  - id: q', rules, '  - id: p', rules))).toEqual([
      'config.yaml:7:9 policies[2].id: duplicate policy id "p" (also policies[0])',
    ]);
  });

  test('model fields: env without "=", unterminated quote, bad checkEndpoint, bad proxy URL, empty cmd', () => {
    const errors = loadErrors(
      yamlOf(
        'models:',
        '  a:',
        '    cmd: srv --port ${PORT} --name "unclosed',
        '    env: ["OK=1", "NOEQUALS", "=x"]',
        '    checkEndpoint: health',
        '  b:',
        '    cmd: srv --port 1',
        '    proxy: localhost:1',
        '    cmdStop: "\'"',
        '  c:',
        '    cmd: "# only a comment"',
        '    proxy: http://h:1',
      ),
    );
    expect(errors).toEqual([
      'config.yaml:3:10 models.a.cmd: unterminated double quote in command',
      'config.yaml:4:19 models.a.env[1]: expected NAME=value, got "NOEQUALS"',
      'config.yaml:4:31 models.a.env[2]: expected NAME=value, got "=x"',
      'config.yaml:5:20 models.a.checkEndpoint: expected a path starting with "/" or "none", got "health"',
      'config.yaml:8:12 models.b.proxy: expected an http:// or https:// URL, got "localhost:1"',
      'config.yaml:9:14 models.b.cmdStop: unterminated single quote in command',
      'config.yaml:11:10 models.c.cmd: the command is empty',
    ]);
  });

  test('api keys: empty, with spaces, duplicated; policy regex terms must compile', () => {
    const errors = loadErrors(
      yamlOf(
        'models: {}',
        'apiKeys:',
        '  - "sk a"',
        '  - sk-1',
        '  - { key: sk-1, name: again }',
        'policies:',
        '  - id: p',
        '    rules:',
        '      - type: content_filter',
        '        terms: ["plain", "/ok+/i", "/(unclosed/"]',
      ),
    );
    expect(errors).toEqual([
      'config.yaml:3:5 apiKeys[0]: an API key cannot contain spaces',
      'config.yaml:5:12 apiKeys[2].key: duplicate API key (same as apiKeys[1])',
      'config.yaml:10:36 policies[0].rules[0].terms[2]: invalid regular expression: Invalid regular expression: /(unclosed/: Unterminated group',
    ]);
  });

  test('every problem in the file is reported in one run, schema and semantic together', () => {
    const errors = loadErrors(
      yamlOf('logLevel: loud', 'models:', '  a:', '    cmd: srv ${nope}', '    ttl: x', 'groups:', '  g: { members: [zzz] }', 'hooks: { on_startup: { preload: [yyy] } }'),
    );
    expect(errors.map((e) => e.split(' ')[0])).toEqual(['config.yaml:1:11', 'config.yaml:3:3', 'config.yaml:4:14', 'config.yaml:5:10', 'config.yaml:7:18', 'config.yaml:8:34']);
  });

  test('healthCheckTimeout below 15 seconds is raised to 15 with a warning', () => {
    const { config, warnings } = loadOk(yamlOf('healthCheckTimeout: 5', ...M, '    healthCheckTimeout: 3'));
    expect(config.healthCheckTimeoutMs).toBe(15_000);
    expect(config.models[0]?.healthCheckTimeoutMs).toBe(15_000);
    expect(warnings).toEqual([
      'config.yaml:1:21 healthCheckTimeout: 5 is below the minimum of 15 seconds; using 15',
      'config.yaml:5:25 models.m.healthCheckTimeout: 3 is below the minimum of 15 seconds; using 15',
    ]);
  });

  test('scopes naming no known model are warnings', () => {
    const { warnings } = loadOk(
      yamlOf(...M, 'apiKeys: [{ key: k, models: [m, "q*", nope] }]', 'policies: [{ id: p, models: [mm], rules: [] }]'),
    );
    expect(warnings).toEqual([
      'config.yaml:4:39 apiKeys[0].models[2]: "nope" matches no model, alias or peer model',
      'config.yaml:5:30 policies[0].models[0]: "mm" matches no model, alias or peer model (did you mean "m"?)',
    ]);
  });
});
