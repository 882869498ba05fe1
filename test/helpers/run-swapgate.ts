// Where the built daemon lives, and runSwapgate(): `node dist/main.js ...args` run to completion
// (validate, audit verify, --help, --version). Long-running daemons: startDaemon() in daemon.ts.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const DIST_MAIN = join(REPO_ROOT, 'dist', 'main.js');

export interface CliResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node dist/main.js ...args` to completion (validate, audit verify, --help, --version). */
export function runSwapgate(args: readonly string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [DIST_MAIN, ...args],
      { cwd: options.cwd ?? REPO_ROOT, timeout: options.timeoutMs ?? 20_000 },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') {
          reject(new Error(`swapgate ${args.join(' ')} did not exit normally: ${error.message}\nstderr:\n${stderr}`));
          return;
        }
        resolve({ exitCode: error === null ? 0 : (error.code as number), stdout, stderr });
      },
    );
  });
}
