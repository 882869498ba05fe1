// Finds a file shipped beside the code (e.g. demo/openai-fake-server.mjs). The code runs from
// src/cli (tests) or bundled into dist/main.js, so no fixed number of "../" fits both: walk up.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SwapgateError } from '../shared/errors.js';

/** Absolute path of `relativePath` under the nearest ancestor directory that has it. */
export function findPackageFile(relativePath: string, fromUrl: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(fromUrl));
  for (;;) {
    const candidate = join(dir, relativePath);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new SwapgateError('internal', `${relativePath} not found in any directory above ${fileURLToPath(fromUrl)}`, {
        status: 500,
        type: 'server_error',
      });
    }
    dir = parent;
  }
}
