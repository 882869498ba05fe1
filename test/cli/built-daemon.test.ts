// dist/main.js is one self-contained file: every package is bundled into it (a third of the
// daemon's idle RSS was per-module loader state; see scripts/bundle-daemon.mjs), and ajv is not
// among them (config validation runs ajv's code generated at build time). A copy of the file
// therefore runs where no node_modules can be found above it.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIST_MAIN, type CliResult } from '../helpers/daemon.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'swapgate-built-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function runNode(args: readonly string[], cwd: string): Promise<CliResult> {
  const env = { ...process.env };
  delete env.NODE_PATH;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd, env, timeout: 20_000 }, (error, stdout, stderr) => {
      if (error !== null && typeof error.code !== 'number') reject(new Error(`node ${args.join(' ')}: ${error.message}\n${stderr}`));
      else resolve({ exitCode: error === null ? 0 : (error.code as number), stdout, stderr });
    });
  });
}

function nodeModulesAbove(start: string): string[] {
  const found: string[] = [];
  for (let at = start; ; at = dirname(at)) {
    if (existsSync(join(at, 'node_modules'))) found.push(join(at, 'node_modules'));
    if (dirname(at) === at) return found;
  }
}

describe('the built daemon', () => {
  it('is a bundle that validates configs, with line:col errors, from a copy with no node_modules around', async () => {
    expect(nodeModulesAbove(dir)).toEqual([]);
    const main = join(dir, 'dist', 'main.js');
    await mkdir(dirname(main));
    await copyFile(DIST_MAIN, main);
    // As in the repo: an ES module package, whose version --version reads from one level above main.js.
    await writeFile(join(dir, 'package.json'), JSON.stringify({ type: 'module', version: '0.0.0-copy' }));
    const broken = join(dir, 'broken.yaml');
    await writeFile(broken, ['models:', '  a:', '    cmd: llama-server --port ${PORT}', '    ttl: ten', '    unloadTimeout: -3', ''].join('\n'));
    const valid = join(dir, 'valid.yaml');
    await writeFile(valid, ['models:', '  a:', '    cmd: llama-server --port ${PORT}', '    ttl: 60', ''].join('\n'));

    const bad = await runNode([main, 'validate', '--config', broken], dir);
    expect(bad).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: [
        `${broken}:4:10 models.a.ttl: expected a non-negative integer, got "ten"`,
        `${broken}:5:20 models.a.unloadTimeout: expected a non-negative integer, got -3`,
        `${broken}: 2 errors`,
        '',
      ].join('\n'),
    });

    const good = await runNode([main, 'validate', '--config', valid], dir);
    expect(good).toEqual({ exitCode: 0, stdout: `${valid}: valid — 1 model, 0 groups, 0 peers, 0 policies\n`, stderr: '' });

    expect(await runNode([main, '--version'], dir)).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/^swapgate 0\.0\.0-copy \(commit /), stderr: '' });
    expect(await readFile(main, 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
  });
});
