// Runs this repo's vitest CLI in a child process (for the tests that check the test setup itself),
// with the parent run's VITEST* variables removed and colours off, so the child is a plain run.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const VITEST_BIN = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));

export interface VitestResult {
  readonly exitCode: number;
  /** stdout and stderr together. */
  readonly output: string;
}

export function runVitest(args: readonly string[], timeoutMs = 30_000): Promise<VitestResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', CI: '1' };
  for (const name of Object.keys(env)) if (name.startsWith('VITEST') || name === 'FORCE_COLOR') delete env[name];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [VITEST_BIN, ...args], { cwd: ROOT, env, timeout: timeoutMs }, (error, stdout, stderr) => {
      if (error !== null && typeof error.code !== 'number') {
        reject(new Error(`vitest ${args.join(' ')} did not exit normally: ${error.message}\n${stdout}\n${stderr}`));
        return;
      }
      resolve({ exitCode: error === null ? 0 : (error.code as number), output: `${stdout}\n${stderr}` });
    });
  });
}
