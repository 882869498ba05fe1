// The one-shot commands as a user runs them: validate, --help, --version, bad arguments.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, runSwapgate } from '../helpers/daemon.js';

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'swapgate-e2e-cli-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Each error sits at a known line:col of this text (1-based).
const BROKEN_CONFIG = [
  'healthCheckTimeout: 5', //                       1: only a warning (raised to the minimum)
  'models:', //                                     2
  '  a:', //                                        3
  '    cmd: llama-server --port ${PORT}', //        4
  '    ttl: ten', //                                5: ttl not an integer        → 5:10
  '  b:', //                                        6: no cmd                    → 6:3
  '    proxy: http://127.0.0.1:9000', //            7
  '  c:', //                                        8
  '    cmd: my-server --port ${PORT} ${nosuch}', // 9: unknown macro (its col) → 9:35
  'groups:', //                                     10
  '  g:', //                                        11
  '    members: [a, zzz]', //                       12: unknown member          → 12:18
  '',
].join('\n');

describe('swapgate validate', () => {
  it('prints every error as file:line:col path: message and exits 1', async () => {
    const file = join(dir, 'broken.yaml');
    await writeFile(file, BROKEN_CONFIG);
    const result = await runSwapgate(['validate', '--config', file], { cwd: dir });

    expect(result.exitCode).toBe(1);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        `${file}:5:10 models.a.ttl: expected a non-negative integer, got "ten"`,
        `${file}:6:3 models.b: missing required key "cmd"`,
        expect.stringMatching(new RegExp(`^${escape(file)}:9:35 models\\.c\\.cmd: .*\\$\\{nosuch\\}`)),
        expect.stringMatching(new RegExp(`^${escape(file)}:12:18 groups\\.g\\.members\\[1\\]: .*"zzz"`)),
        expect.stringMatching(new RegExp(`^warning: ${escape(file)}:1:21 healthCheckTimeout: `)),
      ]),
    );
    const errors = lines.filter((line) => line.startsWith(`${file}:`) && /^\S+:\d+:\d+ /.test(line));
    expect(lines.at(-1)).toBe(`${file}: ${errors.length} errors`);
    expect(errors.length).toBeGreaterThanOrEqual(4);
    expect(result.stdout).toBe('');
  });

  it('accepts config.example.yaml with a one-line summary and exit 0', async () => {
    const result = await runSwapgate(['validate', '--config', join(REPO_ROOT, 'config.example.yaml')]);
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/config\.example\.yaml: valid — 5 models, 2 groups, 1 peer, 1 policy$/);
  });

  it('validates ./config.yaml when no --config is given', async () => {
    await writeFile(join(dir, 'config.yaml'), BROKEN_CONFIG);
    const result = await runSwapgate(['validate'], { cwd: dir });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`${join(dir, 'config.yaml')}:5:10 models.a.ttl:`);
  });

  it('fails with exit 1 on a config file that does not exist', async () => {
    const result = await runSwapgate(['validate', '--config', join(dir, 'missing.yaml')]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('missing.yaml');
  });
});

describe('swapgate --help / --version / bad arguments', () => {
  it('--help prints the usage and exits 0', async () => {
    const result = await runSwapgate(['--help']);
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    expect(result.stdout).toMatch(/^Usage:\n/);
    for (const flag of ['--config', '--listen', '--state-dir', 'validate', 'audit verify']) expect(result.stdout).toContain(flag);
  });

  it('--version prints the package version, the commit and the build date, and exits 0', async () => {
    const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const result = await runSwapgate(['--version']);
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    expect(result.stdout).toMatch(new RegExp(`^swapgate ${escape(pkg.version)} \\(commit ([0-9a-f]{40}|unknown), built \\S+\\)\\n$`));
  });

  it('rejects an unknown command and a bad --listen with exit 2 and the usage', async () => {
    const unknown = await runSwapgate(['frobnicate']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/^swapgate: unknown command "frobnicate"\n\nUsage:/);

    const badListen = await runSwapgate(['--listen', 'nowhere']);
    expect(badListen.exitCode).toBe(2);
    expect(badListen.stderr).toContain('--listen: expected HOST:PORT, got "nowhere"');
  });
});
