// Files shipped beside the code are found from src/cli (tests) and from the bundled dist/main.js.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findPackageFile } from '../../src/cli/find-package-file.js';
import { isSwapgateError } from '../../src/shared/errors.js';
import { REPO_ROOT } from '../helpers/daemon.js';

const DEMO = join(REPO_ROOT, 'demo', 'openai-fake-server.mjs');

describe('findPackageFile', () => {
  it('finds the demo server from src/cli, two levels below the package root', () => {
    expect(findPackageFile('demo/openai-fake-server.mjs')).toBe(DEMO);
  });

  it('finds it from dist/main.js, one level below', () => {
    expect(findPackageFile('demo/openai-fake-server.mjs', pathToFileURL(join(REPO_ROOT, 'dist', 'main.js')).href)).toBe(DEMO);
  });

  it('throws an internal error naming the file when no ancestor has it', () => {
    let thrown: unknown;
    try {
      findPackageFile('demo/no-such-server.mjs');
    } catch (error) {
      thrown = error;
    }
    expect(isSwapgateError(thrown) ? thrown.code : thrown).toBe('internal');
    expect(String(thrown)).toContain('demo/no-such-server.mjs not found');
  });
});
