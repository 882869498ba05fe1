// vitest globalSetup: builds dist/ once (the end-to-end tests run `node dist/main.js`) and makes a
// real llama-server available, handing its absolute path to tests as inject('llamaServerPath').
// Either step failing fails the whole run, with the command's output in the error.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Absolute path of the llama-server binary (or wrapper) printed by scripts/install-llama-server.sh. */
    llamaServerPath: string;
  }
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUILD_TIMEOUT_MS = 180_000;
const INSTALL_TIMEOUT_MS = 600_000;
const run = promisify(execFile);

async function runStep(what: string, file: string, args: string[], timeoutMs: number): Promise<string> {
  const startedAt = performance.now();
  try {
    const { stdout } = await run(file, args, { cwd: ROOT, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
    console.info(`global-setup: ${what} took ${Math.round(performance.now() - startedAt)} ms`);
    return stdout;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; code?: unknown; signal?: unknown };
    throw new Error(
      `global-setup: ${what} failed (${file} ${args.join(' ')}; exit ${String(e.code)}, signal ${String(e.signal)})\n` +
        `--- stdout ---\n${e.stdout ?? ''}\n--- stderr ---\n${e.stderr ?? ''}`,
      { cause: error },
    );
  }
}

export async function setup(project: TestProject): Promise<void> {
  await runStep('npm run build', 'npm', ['run', 'build'], BUILD_TIMEOUT_MS);
  const installed = await runStep('install llama-server', 'bash', ['scripts/install-llama-server.sh'], INSTALL_TIMEOUT_MS);
  const llamaServerPath = installed.trim().split('\n').at(-1)?.trim() ?? '';
  if (!llamaServerPath.startsWith('/') || !llamaServerPath.endsWith('llama-server')) {
    throw new Error(`global-setup: install-llama-server.sh did not print an absolute llama-server path; stdout:\n${installed}`);
  }
  project.provide('llamaServerPath', llamaServerPath);
}
