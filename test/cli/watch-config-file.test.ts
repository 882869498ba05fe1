// The config watch survives every way of saving a file (it watches directories) and reloads
// only when the content changed. Real files, real fs.watch; waits on the callback or a log fact.
import { mkdtemp, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { watchConfigFile, type ConfigWatcher } from '../../src/cli/watch-config-file.js';
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

async function watchIt(path: string): Promise<{ changes: () => number; logs: Array<{ msg: string }> }> {
  const logs: Array<{ msg: string }> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') logs.push(JSON.parse(line) as { msg: string });
      callback();
    },
  });
  let changes = 0;
  watcher = await watchConfigFile(path, {
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
});
