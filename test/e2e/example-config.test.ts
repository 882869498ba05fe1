// config.example.yaml run for real: only its `llama-server` and `models-dir` macros are pointed at
// the installed llama-server and a directory of tiny models named as the example expects.
// Of its models only qwen2.5-7b can run here: coder passes a bare `--flash-attn`, which this
// llama-server rejects (it wants on|off|auto); llamafile-phi, embed-docker (no docker engine)
// and fixed-port name programs that do not exist here.
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runSwapgate, startDaemon, stopAllDaemons, type Daemon } from '../helpers/daemon.js';
import { alivePids, getLlamaServerPath, makeTinyGguf, postChat, waitForReady } from './e2e-fixtures.js';

const ADMIN_KEY = 'sk-example-admin-change-me';
const TEAM_KEY = 'sk-example-team-change-me';

let dir: string;
let configPath: string;

/** Replaces the one `  name: value` line under `macros:`; fails when it is not there exactly once. */
function setMacro(text: string, name: string, value: string): string {
  const macros = text.indexOf('\nmacros:\n');
  expect(macros).toBeGreaterThan(0);
  const re = new RegExp(`^(  ${name}: ).*$`, 'gm');
  const matches = [...text.matchAll(re)].filter((m) => (m.index ?? 0) > macros);
  expect(matches.map((m) => m[0])).toHaveLength(1);
  const at = matches[0]?.index ?? 0;
  const end = text.indexOf('\n', at);
  return `${text.slice(0, at)}  ${name}: ${value}${text.slice(end)}`;
}

beforeAll(async () => {
  const llamaServer = getLlamaServerPath();
  dir = await mkdtemp(join(tmpdir(), 'swapgate-e2e-example-'));
  const modelsDir = join(dir, 'models');
  await mkdir(modelsDir);
  await Promise.all([
    makeTinyGguf(1, join(modelsDir, 'Qwen2.5-7B-Instruct-Q4_K_M.gguf')),
    makeTinyGguf(2, join(modelsDir, 'Qwen2.5-Coder-14B-Instruct-Q4_K_M.gguf')),
  ]);
  configPath = join(dir, 'config.yaml');
  await copyFile(join(REPO_ROOT, 'config.example.yaml'), configPath);
  let text = await readFile(configPath, 'utf8');
  text = setMacro(text, 'llama-server', llamaServer);
  text = setMacro(text, 'models-dir', modelsDir);
  await writeFile(configPath, text);
});
afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});
afterEach(stopAllDaemons);

async function startExample(): Promise<Daemon> {
  const daemon = await startDaemon({ configPath, cwd: dir, apiKey: ADMIN_KEY });
  // Boot is over once the preload (after the orphan reap) has been tried.
  await daemon.waitForLog(/"model":"embed-docker".*"msg":"preload failed"|"msg":"preload failed".*"model":"embed-docker"/, 20_000);
  return daemon;
}

describe('config.example.yaml end to end', () => {
  it('is still valid after the macro rewrite', async () => {
    const result = await runSwapgate(['validate', '--config', configPath]);
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
  });

  it('serves qwen2.5-7b to the admin key, refuses a request without a key, survives the failed docker preload', async () => {
    const daemon = await startExample();
    expect(daemon.isRunning()).toBe(true);
    expect(await daemon.running()).toEqual([]); // the docker model did not come up

    const chat = await postChat(daemon, 'qwen2.5-7b', { max_tokens: 8 });
    expect(chat.status).toBe(200);
    expect(chat.body).toMatchObject({ object: 'chat.completion', choices: [{ message: { role: 'assistant' } }] });
    const { pid } = await waitForReady(daemon, 'qwen2.5-7b');

    // The alias from the example reaches the same process.
    expect((await postChat(daemon, 'gpt-4o-mini', { max_tokens: 4 })).status).toBe(200);
    expect((await waitForReady(daemon, 'qwen2.5-7b')).pid).toBe(pid);

    const anonymous = await fetch(`${daemon.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'qwen2.5-7b', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { message: expect.stringContaining('API key') } });

    const wrongKey = await postChat(daemon, 'qwen2.5-7b', {}, { authorization: 'Bearer sk-wrong' });
    expect(wrongKey.status).toBe(401);

    // The team key is limited to "qwen*" and "coder" by the example.
    expect((await postChat(daemon, 'qwen2.5-7b', { max_tokens: 4 }, { authorization: `Bearer ${TEAM_KEY}` })).status).toBe(200);

    expect(await daemon.stop()).toMatchObject({ exitCode: 0, signal: null });
    expect(alivePids([pid])).toEqual([]);
  }, 60_000);

  it('writes an audit log next to the config that `audit verify` accepts', async () => {
    const daemon = await startExample();
    expect((await postChat(daemon, 'qwen2.5-7b', { max_tokens: 4 })).status).toBe(200);
    expect(await daemon.stop()).toMatchObject({ exitCode: 0 });

    const auditPath = join(dir, 'audit', 'swapgate-audit.jsonl');
    expect((await stat(auditPath)).size).toBeGreaterThan(0);
    const records = (await readFile(auditPath, 'utf8')).trimEnd().split('\n').map((line) => JSON.parse(line) as unknown);
    expect(records.length).toBeGreaterThan(0);

    const verified = await runSwapgate(['audit', 'verify', '--path', auditPath]);
    expect(verified.exitCode).toBe(0);
    expect(verified.stdout).toMatch(/^audit chain OK: \d+ records/);
  }, 60_000);
});
