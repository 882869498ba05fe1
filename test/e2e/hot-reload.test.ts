// Config hot reload as an operator does it, against the built daemon and the fake upstream: saves
// by write-rename (twice: the first used to end the watch), a ConfigMap-style symlink swap, an
// invalid save, SIGHUP, and two quick saves. Unchanged models keep their process (same pid in
// /running); changed ones restart; removed ones are gone; keys apply without any restart.
import { mkdir, mkdtemp, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runSwapgate, startDaemon, stopAllDaemons, type Daemon } from '../helpers/daemon.js';
import { waitFor } from '../helpers/wait-for.js';
import { fakeCmd, postChat, randomStartPort, waitForPidsGone, waitForReady } from './e2e-fixtures.js';

afterEach(stopAllDaemons);

const RELOAD_TIMEOUT_MS = 10_000;
let saves = 0;

/** models: id → extra fake-upstream flags. All in one swap:false group, so all may run. */
function configText(startPort: number, models: Record<string, string[]>, extra: string[] = []): string {
  const ids = Object.keys(models);
  return [
    `startPort: ${startPort}`,
    ...extra,
    'models:',
    ...ids.flatMap((id) => [`  ${id}:`, `    cmd: ${fakeCmd(id, ...(models[id] ?? []))}`]),
    'groups:',
    '  all:',
    '    swap: false',
    `    members: [${ids.join(', ')}]`,
    '',
  ].join('\n');
}

/** An editor's save: write a temp file beside it, rename it over the config. */
async function saveAtomically(path: string, text: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${saves++}.tmp`);
  await writeFile(temp, text);
  await rename(temp, path);
}

function getReloads(daemon: Daemon): Array<Record<string, unknown>> {
  return daemon.records().filter((r) => typeof r.msg === 'string' && r.msg.startsWith('config reloaded'));
}

/** The `count`-th "config reloaded" record (1-based), once it is logged. */
function waitForReload(daemon: Daemon, count: number): Promise<Record<string, unknown>> {
  return waitFor(() => getReloads(daemon)[count - 1], { timeoutMs: RELOAD_TIMEOUT_MS, what: `config reload #${count}` });
}

async function pidOf(daemon: Daemon, model: string): Promise<number> {
  return (await waitForReady(daemon, model)).pid;
}

async function startWatched(text: string, options: { apiKey?: string; args?: string[]; configPath?: string } = {}): Promise<Daemon> {
  const daemon = await startDaemon({
    ...(options.configPath === undefined ? { configText: text } : { configPath: options.configPath }),
    args: options.args ?? ['--watch-config'],
    ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
  });
  if ((options.args ?? ['--watch-config']).includes('--watch-config')) await daemon.waitForLog(/watching the config for changes/);
  return daemon;
}

async function listModels(daemon: Daemon): Promise<string[]> {
  const res = await daemon.request('/v1/models');
  const body = (await res.json()) as { data: Array<{ id: string }> };
  return body.data.map((m) => m.id).sort();
}

describe('config hot reload', () => {
  it('keeps unchanged models across write-rename saves, restarts changed ones, stops removed ones', async () => {
    const port = randomStartPort();
    const daemon = await startWatched(configText(port, { a: [], b: [], c: [] }));
    const path = daemon.configPath as string;
    for (const id of ['a', 'b', 'c']) expect((await postChat(daemon, id)).status).toBe(200);
    const [pidA, pidB, pidC] = [await pidOf(daemon, 'a'), await pidOf(daemon, 'b'), await pidOf(daemon, 'c')];

    await saveAtomically(path, configText(port, { a: [], b: ['--chunks', '3'], d: [] }));
    const first = await waitForReload(daemon, 1);
    expect(first).toMatchObject({ msg: 'config reloaded: kept a; restarted b; added d; removed c', kept: ['a'], restarted: ['b'], added: ['d'], removed: ['c'] });
    await waitForPidsGone([pidB, pidC], 10_000, 'the restarted and removed upstreams');
    expect((await daemon.running()).map((r) => [r.model, r.pid])).toEqual([['a', pidA]]);
    const chatB = await postChat(daemon, 'b');
    expect(chatB.status).toBe(200);
    expect(chatB.upstreamPid).not.toBe(pidB);
    expect((await postChat(daemon, 'd')).status).toBe(200);
    expect((await postChat(daemon, 'c')).status).toBe(404);

    // The second save replaces the file again: the watch must have survived the first one.
    await saveAtomically(path, configText(port, { a: [], b: ['--chunks', '3'] }));
    expect(await waitForReload(daemon, 2)).toMatchObject({ kept: ['a', 'b'], removed: ['d'] });
    expect(await pidOf(daemon, 'a')).toBe(pidA);
    expect(await pidOf(daemon, 'b')).toBe(chatB.upstreamPid);
    expect((await postChat(daemon, 'a')).upstreamPid).toBe(pidA);
  }, 60_000);

  it('a stream on an unchanged model runs to its end across a reload', async () => {
    const port = randomStartPort();
    const daemon = await startWatched(configText(port, { a: [], b: [] }));
    const pid = (await postChat(daemon, 'a')).upstreamPid;
    const res = await daemon.request('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'a', stream: true, messages: [{ role: 'user', content: 'hi' }], fake_chunks: 40, fake_chunk_delay_ms: 50 }),
    });
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = decoder.decode((await reader.read()).value, { stream: true });

    await saveAtomically(daemon.configPath as string, configText(port, { a: [], b: ['--chunks', '3'] }));
    expect(await waitForReload(daemon, 1)).toMatchObject({ kept: ['a'], restarted: ['b'] });
    expect(text).not.toContain('[DONE]');
    for (let r = await reader.read(); !r.done; r = await reader.read()) text += decoder.decode(r.value, { stream: true });
    expect(text).toContain('tok39');
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(text).not.toContain('error');
    expect((await postChat(daemon, 'a')).upstreamPid).toBe(pid);
  }, 30_000);

  it('a key removed from the config is refused at once, no model restarts, and the reload is audited', async () => {
    const port = randomStartPort();
    const keys = (names: string[]): string[] => [
      'audit:',
      '  path: audit.jsonl',
      'apiKeys:',
      ...names.map((n) => `  - { key: ${n}-secret, name: ${n}, admin: ${n === 'root'} }`),
    ];
    const daemon = await startWatched(configText(port, { a: [] }, keys(['root', 'alice'])), { apiKey: 'root-secret' });
    const alice = { authorization: 'Bearer alice-secret' };
    const before = await postChat(daemon, 'a', {}, alice);
    expect(before.status).toBe(200);

    await saveAtomically(daemon.configPath as string, configText(port, { a: [] }, keys(['root'])));
    expect(await waitForReload(daemon, 1)).toMatchObject({ kept: ['a'], restarted: [], stopped: [] });
    expect((await postChat(daemon, 'a', {}, alice)).status).toBe(401);
    const after = await postChat(daemon, 'a');
    expect(after.status).toBe(200);
    expect(after.upstreamPid).toBe(before.upstreamPid);

    // One hash chain across the reload (the new generation took the log over), with the reload on it.
    const auditPath = join(dirname(daemon.configPath as string), 'audit.jsonl');
    const readAudit = async (): Promise<string> => readFile(auditPath, 'utf8').catch(() => '');
    await waitFor(async () => (await readAudit()).includes('"config_reload"'), { what: 'the config_reload audit record' });
    const reloadRecord = (await readAudit()).split('\n').find((line) => line.includes('"config_reload"')) ?? '';
    expect(JSON.parse(reloadRecord)).toMatchObject({ event: 'admin', admin: { action: 'config_reload', target: daemon.configPath } });
    const verify = await runSwapgate(['audit', 'verify', '--path', auditPath]);
    expect(verify.exitCode, verify.stdout + verify.stderr).toBe(0);
  }, 30_000);

  it('an invalid save is logged with file:line:col and the old config keeps serving; the next valid save reloads', async () => {
    const port = randomStartPort();
    const daemon = await startWatched(configText(port, { a: [] }));
    const path = daemon.configPath as string;
    const pid = (await postChat(daemon, 'a')).upstreamPid;

    await saveAtomically(path, configText(port, { a: [] }, ['globalTTL: later']));
    const failure = await daemon.waitForLog(/config reload failed/, RELOAD_TIMEOUT_MS);
    expect(failure).toContain(`${basename(path)}:`);
    expect(failure).toMatch(/config\.yaml:\d+:\d+ globalTTL/);
    const chat = await postChat(daemon, 'a');
    expect(chat.status).toBe(200);
    expect(chat.upstreamPid).toBe(pid);
    expect(getReloads(daemon)).toEqual([]);

    await saveAtomically(path, configText(port, { a: [], e: [] }));
    expect(await waitForReload(daemon, 1)).toMatchObject({ kept: ['a'], added: ['e'] });
    expect((await postChat(daemon, 'a')).upstreamPid).toBe(pid);
  }, 30_000);

  it('a ConfigMap-style symlink swap reloads', async () => {
    const port = randomStartPort();
    const dir = await mkdtemp(join(tmpdir(), 'swapgate-e2e-configmap-'));
    try {
      // config.yaml -> ..data/config.yaml, ..data -> ..v1; an update swaps ..data to ..v2.
      await mkdir(join(dir, '..v1'));
      await writeFile(join(dir, '..v1', 'config.yaml'), configText(port, { a: [] }));
      await symlink('..v1', join(dir, '..data'));
      await symlink('..data/config.yaml', join(dir, 'config.yaml'));
      const daemon = await startWatched('', { configPath: join(dir, 'config.yaml') });
      const pid = (await postChat(daemon, 'a')).upstreamPid;

      await mkdir(join(dir, '..v2'));
      await writeFile(join(dir, '..v2', 'config.yaml'), configText(port, { a: [], f: [] }));
      await symlink('..v2', join(dir, '..data_tmp'));
      await rename(join(dir, '..data_tmp'), join(dir, '..data'));
      await rm(join(dir, '..v1'), { recursive: true });
      expect(await waitForReload(daemon, 1)).toMatchObject({ kept: ['a'], added: ['f'] });
      expect((await postChat(daemon, 'f')).status).toBe(200);
      expect((await postChat(daemon, 'a')).upstreamPid).toBe(pid);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('SIGHUP reloads, even without --watch-config, and the daemon keeps running', async () => {
    const port = randomStartPort();
    const daemon = await startWatched(configText(port, { a: [] }), { args: [] });
    const pid = (await postChat(daemon, 'a')).upstreamPid;
    await writeFile(daemon.configPath as string, configText(port, { a: [], g: [] }));
    daemon.signal('SIGHUP');
    expect(await waitForReload(daemon, 1)).toMatchObject({ trigger: 'SIGHUP', kept: ['a'], added: ['g'] });
    expect(daemon.isRunning()).toBe(true);
    expect(await listModels(daemon)).toEqual(['a', 'g']);
    expect((await postChat(daemon, 'a')).upstreamPid).toBe(pid);
  }, 30_000);

  it('two quick saves: the latest config is the one that ends up serving', async () => {
    const port = randomStartPort();
    const daemon = await startWatched(configText(port, { a: [] }));
    const path = daemon.configPath as string;
    await saveAtomically(path, configText(port, { a: [], x: [] }));
    await saveAtomically(path, configText(port, { a: [], y: [] }));
    await waitFor(async () => getReloads(daemon).some((r) => (r.added as string[]).includes('y')) && (await listModels(daemon)).join() === 'a,y', {
      timeoutMs: RELOAD_TIMEOUT_MS,
      what: 'the second save to be serving',
    });
    expect(getReloads(daemon).length).toBeLessThanOrEqual(2);
    expect((await postChat(daemon, 'x')).status).toBe(404);
    expect((await postChat(daemon, 'y')).status).toBe(200);
  }, 30_000);
});
