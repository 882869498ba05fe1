// A real llama-server and two tiny GGUFs for the swap benchmark, from the project's own
// scripts: scripts/install-llama-server.sh (last stdout line = the binary) and
// scripts/make-tiny-gguf.mjs. Rejects with the reason when either fails, so the caller can skip
// the llama part with a clear note.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_DIR } from './processes.mjs';

const run = promisify(execFile);
export const TINY_MODELS = ['tiny-a', 'tiny-b'];

async function findLlamaServer(log) {
  log('  installing / locating llama-server (scripts/install-llama-server.sh)');
  try {
    const { stdout } = await run('bash', [join(REPO_DIR, 'scripts', 'install-llama-server.sh')], { cwd: REPO_DIR, maxBuffer: 16 << 20, timeout: 15 * 60_000 });
    const path = stdout.trim().split('\n').at(-1);
    if (!path) throw new Error('the script printed no path');
    return path;
  } catch (error) {
    const detail = (error.stderr ?? '').trim().split('\n').slice(-5).join('\n');
    throw new Error(`scripts/install-llama-server.sh failed (exit ${error.code ?? '?'}): ${detail || error.message}`);
  }
}

export async function prepareLlama({ override, log }) {
  const server = override ?? await findLlamaServer(log);
  const dir = mkdtempSync(join(tmpdir(), 'swapgate-bench-gguf-'));
  try {
    const ggufs = [];
    for (const [index, name] of TINY_MODELS.entries()) {
      const path = join(dir, `${name}.gguf`);
      await run(process.execPath, [join(REPO_DIR, 'scripts', 'make-tiny-gguf.mjs'), '--seed', String(index + 1), '--out', path]);
      ggufs.push({ name, path });
    }
    await run(server, ['--version']);
    return { server, ggufs, dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`preparing llama-server + tiny GGUFs failed: ${error.message}`);
  }
}
