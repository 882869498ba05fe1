// The config watch survives every way of saving a file (it watches directories) and reloads
// only when the content changed. Real files, real fs.watch; waits on the callback or a log fact.
import { mkdir, mkdtemp, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { watchConfig, type ConfigWatcher, type WatchedConfig } from '../../src/cli/watch-config-file.js';
import { createLogger } from '../../src/shared/logger.js';
import { waitFor } from '../helpers/wait-for.js';

let dir = '';
let watcher: ConfigWatcher | null = null;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'swapgate-watch-'));
});

afterEach(async () => {
  watcher?.close();
  watcher = null;
  await rm(dir, { recursive: true, force: true });
});

async function watchIt(path: string | WatchedConfig): Promise<{ changes: () => number; logs: Array<{ msg: string }> }> {
  const logs: Array<{ msg: string }> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') logs.push(JSON.parse(line) as { msg: string });
      callback();
    },
  });
  let changes = 0;
  watcher = await watchConfig(typeof path === 'string' ? { file: path, dir: null } : path, {
    logger: createLogger({ level: 'debug', toStdout: false, destination }),
    debounceMs: 20,
    maxWaitMs: 200,
    onChange: () => void (changes += 1),
  });
  return { changes: () => changes, logs };
}

describe('watchConfigFile', () => {
  it('sees write-rename saves one after another, delete + recreate, and in-place writes', async () => {
    const path = join(dir, 'config.yaml');
    await writeFile(path, 'v: 1\n');
    const { changes } = await watchIt(path);
    let expected = 0;
    // An in-place write may be seen half done (truncated) and then again: at least one call.
    const saved = async (): Promise<void> => {
      expected += 1;
      await waitFor(() => changes() >= expected, { what: `change #${expected}` });
      expected = changes();
    };

    for (const version of [2, 3]) {
      await writeFile(join(dir, '.config.yaml.tmp'), `v: ${version}\n`);
      await rename(join(dir, '.config.yaml.tmp'), path);
      await saved();
    }
    await unlink(path);
    await writeFile(path, 'v: 4\n');
    await saved();
    await writeFile(path, 'v: 5\n');
    await saved();
  });

  it('does not call back when a save leaves the content as it was', async () => {
    const path = join(dir, 'config.yaml');
    await writeFile(path, 'v: 1\n');
    const { changes, logs } = await watchIt(path);
    await writeFile(join(dir, '.config.yaml.tmp'), 'v: 1\n');
    await rename(join(dir, '.config.yaml.tmp'), path);
    await waitFor(() => logs.some((r) => r.msg === 'config watch: content unchanged, no reload'), { what: 'the unchanged check' });
    expect(changes()).toBe(0);
  });

  it('with a config dir: a file added, edited, renamed or removed is a change; other files are not', async () => {
    const confDir = join(dir, 'conf.d');
    await mkdir(confDir);
    const main = join(dir, 'config.yaml');
    await writeFile(main, 'v: 1\n');
    await writeFile(join(confDir, 'a.yaml'), 'a: 1\n');
    const { changes, logs } = await watchIt({ file: main, dir: confDir });
    let expected = 0;
    const changed = async (what: string): Promise<void> => {
      expected += 1;
      await waitFor(() => changes() >= expected, { what });
      expected = changes();
    };

    await writeFile(join(confDir, 'b.yaml'), 'b: 1\n');
    await changed('a file added to the dir');
    await writeFile(join(confDir, '.a.yaml.tmp'), 'a: 2\n');
    await rename(join(confDir, '.a.yaml.tmp'), join(confDir, 'a.yaml'));
    await changed('a dir file saved by write-rename');
    await rename(join(confDir, 'b.yaml'), join(confDir, 'c.yml'));
    await changed('a dir file renamed (the merge order may change)');
    await unlink(join(confDir, 'c.yml'));
    await changed('a dir file removed');
    await writeFile(main, 'v: 2\n');
    await changed('the --config file saved');

    const unchanged = logs.filter((r) => r.msg === 'config watch: content unchanged, no reload').length;
    await writeFile(join(confDir, 'notes.txt'), 'not config\n');
    await waitFor(() => logs.filter((r) => r.msg === 'config watch: content unchanged, no reload').length > unchanged, {
      what: 'the check after a non-config file changed',
    });
    expect(changes()).toBe(expected);
  });

  it('with a config dir: a dir file that links to a file elsewhere is watched where it lives', async () => {
    const confDir = join(dir, 'conf.d');
    const elsewhere = join(dir, 'shared');
    await mkdir(confDir);
    await mkdir(elsewhere);
    await writeFile(join(elsewhere, 'models.yaml'), 'm: 1\n');
    await symlink(join(elsewhere, 'models.yaml'), join(confDir, 'models.yaml'));
    const { changes } = await watchIt({ file: null, dir: confDir });
    await writeFile(join(elsewhere, 'models.yaml'), 'm: 2\n');
    await waitFor(() => changes() >= 1, { what: 'the linked file edited where it lives' });
  });
});
