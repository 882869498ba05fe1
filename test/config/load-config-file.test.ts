import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { ConfigError, isConfigError } from '../../src/config/config-error.js';
import { formatConfigIssue } from '../../src/config/config-issue.js';
import { EMBEDDED_DEMO_SOURCE, embeddedDemoConfigText } from '../../src/config/embedded-demo-config.js';
import { loadConfigFile, loadConfigOrThrow } from '../../src/config/load-config-file.js';
import { loadConfigText } from '../../src/config/load-config-text.js';
import { isSwapgateError } from '../../src/shared/errors.js';

const DEMO_SCRIPT = fileURLToPath(new URL('../../demo/openai-fake-server.mjs', import.meta.url));

function writeTemp(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'swapgate-config-'));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('loadConfigFile / loadConfigOrThrow', () => {
  test('issues name the file as given; sourcePath is absolute; audit path is relative to the file', async () => {
    const path = writeTemp('config.yaml', 'models:\n  m:\n    cmd: srv --port ${PORT}\naudit:\n  path: audit.jsonl\n');
    const result = await loadConfigFile(path, {});
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.sourcePath).toBe(path);
    expect(result.config.audit?.path).toBe(join(path, '..', 'audit.jsonl'));
  });

  test('a missing file is an error result, not an exception', async () => {
    const result = await loadConfigFile('/nonexistent/swapgate.yaml', {});
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(1);
    expect(formatConfigIssue(result.errors[0] ?? { file: '', line: 0, column: 0, path: '', message: '' })).toMatch(
      /^\/nonexistent\/swapgate\.yaml cannot read the config file: ENOENT/,
    );
  });

  test('loadConfigOrThrow throws a ConfigError (code config_invalid) carrying every issue', async () => {
    const path = writeTemp('bad.yaml', 'logLevel: loud\nmodels:\n  m:\n    ttl: x\n');
    let caught: unknown;
    try {
      await loadConfigOrThrow(path, {});
    } catch (error) {
      caught = error;
    }
    expect(isConfigError(caught)).toBe(true);
    expect(isSwapgateError(caught)).toBe(true);
    const error = caught as ConfigError;
    expect(error.code).toBe('config_invalid');
    expect(error.issues.map((i) => `${i.line}:${i.column} ${i.path}`)).toEqual(['1:11 logLevel', '3:3 models.m', '4:10 models.m.ttl']);
    expect(error.message).toContain(`${path}:4:10 models.m.ttl: expected a non-negative integer, got "x"`);
  });

  test('loadConfigOrThrow returns the config and its warnings', async () => {
    const path = writeTemp('ok.yaml', 'models:\n  m:\n    cmd: srv --port ${PORT}\n    tll: 1\n');
    const { config, warnings } = await loadConfigOrThrow(path, {});
    expect(config.models[0]?.id).toBe('m');
    expect(warnings.map((w) => w.path)).toEqual(['models.m.tll']);
  });
});

describe('formatConfigIssue', () => {
  test.each([
    [{ file: 'config.yaml', line: 12, column: 10, path: 'models.llama.ttl', message: 'expected a non-negative integer, got "ten"' }, 'config.yaml:12:10 models.llama.ttl: expected a non-negative integer, got "ten"'],
    [{ file: 'config.yaml', line: 1, column: 1, path: '', message: 'missing required key "models"' }, 'config.yaml:1:1 missing required key "models"'],
    [{ file: 'x.yaml', line: 0, column: 0, path: '', message: 'cannot read' }, 'x.yaml cannot read'],
  ])('%o', (issue, expected) => {
    expect(formatConfigIssue(issue)).toBe(expected);
  });
});

describe('embedded demo config', () => {
  test('loads, and runs node on the demo script with a ${PORT} placeholder', () => {
    const result = loadConfigText(embeddedDemoConfigText(process.execPath, DEMO_SCRIPT), EMBEDDED_DEMO_SOURCE, {});
    expect(result.ok ? result.warnings : result.errors).toEqual([]);
    if (!result.ok) return;
    expect(result.config.sourcePath).toBe('<embedded demo>');
    expect(result.config.models).toHaveLength(1);
    expect(result.config.models[0]).toMatchObject({
      id: 'demo',
      cmd: [process.execPath, DEMO_SCRIPT, '--port', '${PORT}', '--model', 'demo'],
      usesPort: true,
      checkEndpoint: '/health',
    });
  });

  test('paths with spaces and quotes survive', () => {
    const result = loadConfigText(embeddedDemoConfigText("/opt/my node/bin/node", "/home/o'brien/demo server.mjs"), EMBEDDED_DEMO_SOURCE, {});
    expect(result.ok && result.config.models[0]?.cmd.slice(0, 2)).toEqual(['/opt/my node/bin/node', "/home/o'brien/demo server.mjs"]);
  });
});
