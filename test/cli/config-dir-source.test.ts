// --config and --config-dir as llama-swap loads them (internal/config/merge.go,
// LoadConfigSources): the file first, then the directory's *.yml/*.yaml in name order; a file in
// both is refused; an empty directory alone is nothing to run. Real files in a temp dir.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveConfigSource } from '../../src/cli/resolve-config.js';
import { formatConfigIssue } from '../../src/config/config-issue.js';
import type { LoadResult } from '../../src/config/load-config-text.js';

let root = '';
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'swapgate-config-dir-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const modelYaml = (...ids: string[]): string => ['models:', ...ids.flatMap((id) => [`  ${id}:`, '    cmd: server --port ${PORT}'])].join('\n') + '\n';

function load(configPath: string | null, configDir: string | null): Promise<LoadResult> {
  return resolveConfigSource({ configPath, configDir }, root, {}, process.execPath).load();
}

async function modelIds(configPath: string | null, configDir: string | null): Promise<string[]> {
  const result = await load(configPath, configDir);
  if (!result.ok) throw new Error(result.errors.map(formatConfigIssue).join('\n'));
  return result.config.models.map((m) => m.id);
}

async function errorsOf(configPath: string | null, configDir: string | null): Promise<string[]> {
  const result = await load(configPath, configDir);
  if (result.ok) throw new Error('expected the config to be rejected');
  return result.errors.map(formatConfigIssue);
}

describe('--config-dir', () => {
  it('merges the *.yml/*.yaml files directly in the dir, in name order; other files and subdirectories are not read', async () => {
    const dir = join(root, 'conf.d');
    await mkdir(join(dir, 'nested.yaml'), { recursive: true });
    await writeFile(join(dir, 'nested.yaml', 'inner.yaml'), modelYaml('inner'));
    await writeFile(join(dir, 'z.yaml'), modelYaml('zmodel'));
    await writeFile(join(dir, 'a.yml'), modelYaml('amodel'));
    await writeFile(join(dir, 'notes.txt'), 'models: [not, yaml, config]\n');
    await writeFile(join(dir, 'b.yaml.bak'), modelYaml('backup'));
    expect(await modelIds(null, 'conf.d')).toEqual(['amodel', 'zmodel']);
    expect(resolveConfigSource({ configPath: null, configDir: 'conf.d' }, root, {}, process.execPath)).toMatchObject({ path: null, dir, label: dir });
  });

  it('adds to --config, which loads first', async () => {
    await writeFile(join(root, 'config.yaml'), modelYaml('base'));
    await mkdir(join(root, 'extra'));
    await writeFile(join(root, 'extra', '10-more.yaml'), modelYaml('ext'));
    expect(await modelIds('config.yaml', 'extra')).toEqual(['base', 'ext']);
    const source = resolveConfigSource({ configPath: 'config.yaml', configDir: 'extra' }, root, {}, process.execPath);
    expect(source.label).toBe(`${join(root, 'config.yaml')} + ${join(root, 'extra')}`);
  });

  it('does not pick up ./config.yaml by itself when a dir is given', async () => {
    await writeFile(join(root, 'config.yaml'), modelYaml('implicit'));
    await mkdir(join(root, 'd'));
    await writeFile(join(root, 'd', 'a.yaml'), modelYaml('a'));
    expect(await modelIds(null, 'd')).toEqual(['a']);
  });

  it('refuses a model in --config and in a dir file, naming both files and lines', async () => {
    await writeFile(join(root, 'main.yaml'), modelYaml('other', 'dup'));
    await mkdir(join(root, 'd'));
    await writeFile(join(root, 'd', 'x.yaml'), `# one more\n${modelYaml('dup')}`);
    expect(await errorsOf('main.yaml', 'd')).toEqual([
      `${join(root, 'd', 'x.yaml')}:3:3 models.dup: duplicate models "dup": already defined at ${join(root, 'main.yaml')}:4:3`,
    ]);
  });

  it('refuses --config when it is also in the dir', async () => {
    await writeFile(join(root, 'main.yaml'), modelYaml('base'));
    const errors = await errorsOf('main.yaml', '.');
    expect(errors).toEqual([`${join(root, 'main.yaml')} --config ${join(root, 'main.yaml')} is also in --config-dir ${root}; remove it from one`]);
  });

  it('an empty dir is fine beside --config, and an error alone; a missing dir is an error', async () => {
    await writeFile(join(root, 'main.yaml'), modelYaml('m1'));
    await mkdir(join(root, 'empty'));
    expect(await modelIds('main.yaml', 'empty')).toEqual(['m1']);
    expect(await errorsOf(null, 'empty')).toEqual([
      `${join(root, 'empty')} --config-dir: no configuration found: the directory holds no *.yml or *.yaml file`,
    ]);
    const missing = await errorsOf(null, 'nope');
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatch(new RegExp(`^${join(root, 'nope')} --config-dir: cannot list the directory: ENOENT`));
  });

  it('reads the dir again on every load, so a reload sees an added file', async () => {
    await mkdir(join(root, 'd'));
    await writeFile(join(root, 'd', 'a.yaml'), modelYaml('a'));
    const source = resolveConfigSource({ configPath: null, configDir: 'd' }, root, {}, process.execPath);
    const first = await source.load();
    await writeFile(join(root, 'd', 'b.yaml'), modelYaml('b'));
    const second = await source.load();
    expect([first, second].map((r) => (r.ok ? r.config.models.map((m) => m.id) : []))).toEqual([['a'], ['a', 'b']]);
  });
});
