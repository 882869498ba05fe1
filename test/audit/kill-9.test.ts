// kill -9 at the audit-log level: a real process (fixtures/audit-writer.fixture.ts, bundled
// once) writes records with the default settings and reports each acknowledged one; after it is
// SIGKILLed under load, or dies in the middle of a write, every acknowledged record is in the
// file, `audit verify` passes, and the next start moves any torn tail aside and continues the chain.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openAuditLog } from '../../src/audit/audit-log.js';
import { readRecordLine } from '../../src/audit/audit-record.js';
import { verifyAuditChain } from '../../src/audit/audit-verify.js';
import { waitFor } from '../helpers/wait-for.js';
import { entry, makeTempAudit, type TempAudit } from './audit-fixtures.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/audit-writer.fixture.ts', import.meta.url));
const TSCONFIG = fileURLToPath(new URL('../../tsconfig.json', import.meta.url));

let bundleDir = '';
let writerScript = '';
beforeAll(async () => {
  bundleDir = await mkdtemp(join(tmpdir(), 'swapgate-audit-writer-'));
  writerScript = join(bundleDir, 'audit-writer.mjs');
  await build({ input: FIXTURE, platform: 'node', tsconfig: TSCONFIG, logLevel: 'silent', output: { file: writerScript, format: 'esm' } });
});
afterAll(() => rm(bundleDir, { recursive: true, force: true }));

let t: TempAudit;
let child: ChildProcess | null = null;
beforeEach(async () => {
  t = await makeTempAudit();
});
afterEach(async () => {
  if (child !== null && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = null;
  await t.remove();
});

interface Writer {
  readonly acks: Set<string>;
  readonly ready: Promise<void>;
  /** After the process exited and its stdout was read to the end. */
  readonly closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(): void;
}

function startWriter(mode: 'load' | 'tear', fsync = false): Writer {
  const proc = spawn(process.execPath, [writerScript, t.path, mode, fsync ? 'fsync' : ''], { stdio: ['ignore', 'pipe', 'inherit'] });
  child = proc;
  const acks = new Set<string>();
  let readyResolve: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (readyResolve = resolve));
  createInterface({ input: proc.stdout }).on('line', (line) => {
    if (line === 'READY') readyResolve();
    else if (line.startsWith('ACK ')) acks.add(line.slice(4));
  });
  const closed = once(proc, 'close').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  return { acks, ready, closed, kill: () => proc.kill('SIGKILL') };
}

/** Request ids of the complete records in the file (a torn last line is no record). */
async function recordedIds(): Promise<Set<string>> {
  const text = await readFile(t.path, 'utf8');
  const ids = text.split('\n').map((line) => readRecordLine(line)?.record.request_id);
  return new Set(ids.filter((id): id is string => typeof id === 'string'));
}

const missing = (acks: Set<string>, recorded: Set<string>): string[] => [...acks].filter((id) => !recorded.has(id));

describe('the audit log survives kill -9', () => {
  it.each([['fsync off', false], ['fsync on', true]])('SIGKILL under load (%s): every acknowledged record is in the file and the chain verifies', async (_name, fsync) => {
    const writer = startWriter('load', fsync);
    await writer.ready;
    await waitFor(() => writer.acks.size >= 3_000, { timeoutMs: 15_000, what: '3,000 acknowledged records' });
    writer.kill();
    expect(await writer.closed).toEqual({ code: null, signal: 'SIGKILL' });

    expect(missing(writer.acks, await recordedIds())).toEqual([]);
    const after = await verifyAuditChain(t.path);
    expect(after).toMatchObject({ ok: true });
    const records = after.ok ? after.records : 0;
    expect(records).toBeGreaterThanOrEqual(writer.acks.size);

    const { log } = await openAuditLog({ config: t.config() });
    await log.record(entry('after-restart'));
    await log.close();
    const torn = after.ok && after.torn !== null ? 1 : 0; // a "recovered" record when a tail was moved aside
    expect(await verifyAuditChain(t.path)).toMatchObject({ ok: true, records: records + torn + 1, torn: null });
  }, 30_000);

  it('dies in the middle of a write: verify reports the torn tail, the next start moves it aside and the chain continues', async () => {
    const writer = startWriter('tear');
    expect(await writer.closed).toEqual({ code: null, signal: 'SIGKILL' });
    expect(writer.acks.size).toBeGreaterThan(0);
    expect(missing(writer.acks, await recordedIds())).toEqual([]);

    const size = (await stat(t.path)).size;
    const before = await verifyAuditChain(t.path);
    expect(before).toMatchObject({ ok: true, torn: { file: t.path, offset: expect.any(Number) } });
    if (!before.ok || before.torn === null) return;
    expect(before.torn.offset + before.torn.bytes).toBe(size);

    const { log, warnings } = await openAuditLog({ config: t.config() });
    expect(warnings).toEqual([expect.objectContaining({ code: 'audit_recovered', offset: before.torn.offset, skippedBytes: before.torn.bytes })]);
    await log.record(entry('after-restart'));
    await log.close();
    const torn = (await readdir(join(t.dir, 'logs'))).filter((name) => name.includes('.torn-'));
    expect(torn).toHaveLength(1);
    expect((await stat(join(t.dir, 'logs', torn[0] ?? ''))).size).toBe(before.torn.bytes);
    expect(await verifyAuditChain(t.path)).toMatchObject({ ok: true, records: before.records + 2, torn: null });
  }, 30_000);
});
