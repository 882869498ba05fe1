import { mkdtemp, readFile, readdir, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openAuditLog, type AuditLogOptions } from '../../src/audit/audit-log.js';
import { GENESIS_HASH, readRecordLine, renderEntry, sealText, type AuditEntry } from '../../src/audit/audit-record.js';
import { formatVerifyResult, verifyAuditChain, verifyAuditFile } from '../../src/audit/audit-verify.js';
import type { AuditConfig } from '../../src/config/types.js';
import { createKeyring, extractPresentedKey } from '../../src/policy/api-keys.js';
import { createFakeClock, type FakeClock } from './audit-fixtures.js';

let dir = '';
let path = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'swapgate-audit-'));
  path = join(dir, 'logs', 'swapgate-audit.jsonl');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const config = (overrides: Partial<AuditConfig> = {}): AuditConfig => ({
  path, immutable: true, retentionDays: 0, logAllAccess: true, flushIntervalMs: 1_000, fsync: false, ...overrides,
});

const entry = (n: number, extra: Partial<AuditEntry> = {}): AuditEntry => ({
  requestId: `req-${n}`, keyName: 'alice', clientIp: '127.0.0.1', model: 'llama-8b', route: '/v1/chat/completions',
  method: 'POST', status: 200, durationMs: 12, tokens: { prompt: 3, completion: 5 }, cache: 'miss', ...extra,
});

async function open(clock: FakeClock, overrides: Partial<AuditLogOptions> = {}) {
  return openAuditLog({ config: config(), clock, syncOnFlush: false, ...overrides });
}

async function readLines(file = path): Promise<string[]> {
  return (await readFile(file, 'utf8')).split('\n').filter((l) => l !== '');
}

async function writeRecords(count: number, clock = createFakeClock('2026-11-20T10:00:00Z')): Promise<void> {
  const { log } = await open(clock);
  for (let i = 1; i <= count; i++) void log.record(entry(i));
  await log.close();
}

describe('audit log writing', () => {
  it('writes chained JSON lines with the documented fields, batched within flushIntervalMs', async () => {
    const clock = createFakeClock('2026-11-20T10:00:00Z');
    const { log, warnings } = await open(clock);
    expect(warnings).toEqual([]);
    const written = log.record(entry(1, {
      policy: [{ policyId: 'pii', ruleIndex: 0, ruleType: 'pii_detection', action: 'redact', direction: 'request', matches: 2, byPattern: { email: 2 } }],
    }));
    void log.record(entry(2)); // queued; written with the first at the flush interval
    await new Promise((r) => setImmediate(r));
    await expect(readFile(path, 'utf8')).resolves.toBe('');
    clock.advance(1_000);
    await written;
    const [first, second] = (await readLines()).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(first).toEqual({
      ts: '2026-11-20T10:00:00.000Z', seq: 1, event: 'request', request_id: 'req-1', key_name: 'alice', client_ip: '127.0.0.1',
      model: 'llama-8b', route: '/v1/chat/completions', method: 'POST', status: 200, duration_ms: 12,
      tokens: { prompt: 3, completion: 5 },
      policy: [{ policy_id: 'pii', rule_index: 0, rule_type: 'pii_detection', action: 'redact', direction: 'request', matches: 2, by_pattern: { email: 2 } }],
      cache: 'miss', prev_hash: GENESIS_HASH, hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(second).toMatchObject({ seq: 2, request_id: 'req-2' });
    await log.close();
    await expect(log.record(entry(3))).rejects.toMatchObject({ code: 'internal' });
  });

  it('writes a flush:true record before resolving', async () => {
    const clock = createFakeClock('2026-11-20T10:00:00Z');
    const { log } = await open(clock, { syncOnFlush: true });
    await log.record(entry(1, { event: 'rejected', status: 400 }), { flush: true });
    expect((await readLines()).map((l) => JSON.parse(l).event)).toEqual(['rejected']);
    await log.close();
  });

  it('never writes the API key', async () => {
    const keyring = createKeyring([{ key: 'sk-secret-value-123456', name: 'alice', models: null, requestsPerMinute: null, admin: false }]);
    const key = keyring.find(extractPresentedKey({ authorization: 'Bearer sk-secret-value-123456' }));
    const { log } = await open(createFakeClock('2026-11-20T10:00:00Z'));
    await log.record(entry(1, { keyName: key?.name ?? null }), { flush: true });
    await log.record({ event: 'auth_failure', clientIp: '10.0.0.9', route: '/v1/models', method: 'GET', status: 401 }, { flush: true });
    await log.record({ event: 'admin', keyName: 'alice', admin: { action: 'unload', target: 'llama-8b' }, status: 200 }, { flush: true });
    await log.close();
    const text = await readFile(path, 'utf8');
    expect(text).toContain('"key_name":"alice"');
    expect(text).not.toContain('sk-secret');
    expect((await verifyAuditFile(path)).ok).toBe(true);
  });

  it('append() queues like record() and its records chain and verify the same way', async () => {
    const clock = createFakeClock('2026-11-20T10:00:00Z');
    const errors: unknown[] = [];
    const { log } = await open(clock, { onError: (e) => errors.push(e) });
    log.append(entry(1));
    const flushed = log.record(entry(2), { flush: true });
    await flushed;
    expect((await readLines()).map((l) => JSON.parse(l).request_id)).toEqual(['req-1', 'req-2']);
    await log.close();
    log.append(entry(3)); // after close: reported, never thrown
    expect(errors).toEqual([expect.objectContaining({ code: 'internal' })]);
    expect(await verifyAuditFile(path)).toMatchObject({ ok: true, records: 2 });
  });

  it('renders an entry at record time into the documented record, chained and hashed', () => {
    const tsMs = Date.parse('2026-11-20T10:00:00.123Z');
    const full = entry(7, {
      policy: [{ policyId: 'p"1', ruleIndex: 2, ruleType: 'content_filter', action: 'block', direction: 'response', matches: 1 }],
      admin: { action: 'unload', target: 'x' },
    });
    const line = sealText(renderEntry(full, tsMs)(41), GENESIS_HASH);
    const read = readRecordLine(line);
    expect(read).toMatchObject({ hasHash: true, hashOk: true });
    expect(Object.keys(read?.record ?? {})).toEqual([
      'ts', 'seq', 'event', 'request_id', 'key_name', 'client_ip', 'model', 'route', 'method', 'status', 'duration_ms', 'tokens', 'policy', 'cache', 'admin', 'prev_hash', 'hash',
    ]);
    expect(read?.record).toMatchObject({
      ts: '2026-11-20T10:00:00.123Z', seq: 41, event: 'request', request_id: 'req-7', prev_hash: GENESIS_HASH,
      policy: [{ policy_id: 'p"1', rule_index: 2, rule_type: 'content_filter', action: 'block', direction: 'response', matches: 1 }],
      admin: { action: 'unload', target: 'x' },
    });
    expect(JSON.parse(renderEntry({ event: 'auth_failure' }, tsMs)(1))).toMatchObject({ seq: 1, event: 'auth_failure', tokens: { prompt: null, completion: null }, policy: [] });
  });

  it('continues the chain after a restart', async () => {
    await writeRecords(2);
    await writeRecords(2);
    const seqs = (await readLines()).map((l) => JSON.parse(l).seq);
    expect(seqs).toEqual([1, 2, 3, 4]);
    expect(await verifyAuditFile(path)).toMatchObject({ ok: true, records: 4, files: [path], anchor: GENESIS_HASH, torn: null });
  });
});

describe('audit verification', () => {
  it('detects an edited line', async () => {
    await writeRecords(5);
    const lines = await readLines();
    lines[2] = lines[2]!.replace('"status":200', '"status":500');
    await writeFile(path, `${lines.join('\n')}\n`);
    const result = await verifyAuditFile(path);
    expect(result).toMatchObject({ ok: false, line: 3, records: 2 });
    expect(formatVerifyResult(result)).toMatch(/swapgate-audit\.jsonl:3: hash does not match/);
  });

  it('detects a deleted line', async () => {
    await writeRecords(5);
    const lines = await readLines();
    lines.splice(1, 1);
    await writeFile(path, `${lines.join('\n')}\n`);
    expect(await verifyAuditFile(path)).toMatchObject({ ok: false, line: 2, reason: expect.stringContaining('prev_hash') });
  });

  it('rejects an unexplained garbage line', async () => {
    await writeRecords(2);
    const lines = await readLines();
    await writeFile(path, `${lines[0]}\nnot json\n${lines[1]}\n`);
    expect(await verifyAuditFile(path)).toMatchObject({ ok: false, line: 2 });
  });
});

describe('audit rotation and retention', () => {
  it('rotates per UTC day, deletes old segments with a retention record, and stays verifiable', async () => {
    const clock = createFakeClock('2026-11-20T23:00:00Z');
    const { log } = await open(clock, { config: config({ retentionDays: 2 }) });
    await log.record(entry(1), { flush: true });
    clock.set('2026-11-21T00:30:00Z');
    await log.record(entry(2), { flush: true });
    clock.set('2026-11-22T08:00:00Z');
    await log.record(entry(3), { flush: true });
    clock.set('2026-11-23T08:00:00Z');
    await log.record(entry(4), { flush: true });
    await log.close();

    const names = (await readdir(join(dir, 'logs'))).sort();
    expect(names).toEqual(['swapgate-audit.2026-11-21.jsonl', 'swapgate-audit.2026-11-22.jsonl', 'swapgate-audit.jsonl']);
    const active = (await readLines()).map((l) => JSON.parse(l));
    expect(active.map((r) => r.event)).toEqual(['retention', 'request']);
    expect(active[0]).toMatchObject({ retention: { segment: 'swapgate-audit.2026-11-20.jsonl', last_hash: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    const first = JSON.parse((await readLines(join(dir, 'logs', 'swapgate-audit.2026-11-21.jsonl')))[0]!);
    expect(first.prev_hash).toBe(active[0].retention.last_hash);

    const chain = await verifyAuditChain(path);
    expect(chain).toMatchObject({ ok: true, records: 4 });
    expect(formatVerifyResult(chain)).toMatch(/^audit chain OK: 4 records in 3 file\(s\)/);

    await unlink(join(dir, 'logs', 'swapgate-audit.2026-11-21.jsonl'));
    expect(await verifyAuditChain(path)).toMatchObject({ ok: false, reason: expect.stringContaining('without a retention record') });
  });

  it('continues the chain from the newest segment when the active file was just rotated', async () => {
    const clock = createFakeClock('2026-11-20T10:00:00Z');
    const first = await open(clock);
    await first.log.record(entry(1), { flush: true });
    await first.log.close();
    clock.set('2026-11-21T10:00:00Z');
    const second = await open(clock);
    await second.log.record(entry(2), { flush: true });
    await second.log.close();
    // As if the process stopped right after renaming the day away, before writing again.
    await rename(path, join(dir, 'logs', 'swapgate-audit.2026-11-21.jsonl'));
    clock.set('2026-11-22T10:00:00Z');
    const third = await open(clock);
    await third.log.record(entry(3), { flush: true });
    await third.log.close();
    expect(JSON.parse((await readLines())[0]!).seq).toBe(3);
    expect(await verifyAuditChain(path)).toMatchObject({ ok: true, records: 3 });
  });
});
