import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getStateDirCandidates, prepareStateDir } from '../../src/process/resolve-state-dir.js';

const root = mkdtempSync(join(tmpdir(), 'swapgate-state-dir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const uid = process.getuid?.() ?? null;

describe('the state directory', () => {
  it('is --state-dir when given, else per user: $XDG_STATE_HOME/swapgate, ~/.local/state/swapgate, <tmp>/swapgate-<uid>', () => {
    const base = { uid: 1000, tmpDir: '/tmp' };
    expect(getStateDirCandidates({ ...base, flag: '/srv/state', env: { HOME: '/home/u' } })).toEqual(['/srv/state']);
    expect(getStateDirCandidates({ ...base, flag: null, env: { XDG_STATE_HOME: '/x/state', HOME: '/home/u' } })).toEqual([
      '/x/state/swapgate',
      '/tmp/swapgate-1000',
    ]);
    // A relative XDG_STATE_HOME is invalid (XDG spec) and ignored, like a relative HOME.
    expect(getStateDirCandidates({ ...base, flag: null, env: { XDG_STATE_HOME: 'state', HOME: '/home/u' } })).toEqual([
      '/home/u/.local/state/swapgate',
      '/tmp/swapgate-1000',
    ]);
    expect(getStateDirCandidates({ ...base, flag: null, env: { HOME: 'relative' } })).toEqual(['/tmp/swapgate-1000']);
    expect(getStateDirCandidates({ flag: null, env: {}, uid: null, tmpDir: '/tmp' })).toEqual(['/tmp/swapgate-user']);
  });

  it('is created private (0700) and independent of the listen address and config', async () => {
    const dir = join(root, 'home', '.local', 'state', 'swapgate');
    expect(await prepareStateDir([dir, join(root, 'fallback')], uid)).toBe(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('falls back past a candidate that is not a directory, or belongs to another user', async () => {
    const file = join(root, 'not-a-dir');
    writeFileSync(file, '');
    const theirs = join(root, 'theirs');
    const fallback = join(root, 'swapgate-fallback');
    expect(await prepareStateDir([file, fallback], uid)).toBe(fallback);
    await prepareStateDir([theirs], uid);
    expect(await prepareStateDir([theirs, fallback], (uid ?? 0) + 1).catch((e: unknown) => e)).toMatchObject({
      details: { state_dirs: [expect.stringContaining(`"${theirs}": owned by uid`), expect.stringContaining(`"${fallback}": owned by uid`)] },
    });
  });
});
