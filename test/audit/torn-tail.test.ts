// A crash mid-write leaves a torn last line. `audit verify` reports it (file, byte offset) without
// failing the chain; the next start moves its exact bytes to <file>.torn-<UTC time>, truncates
// the file back to its last complete record and continues the chain with a "recovered" record.
import { createHash } from 'node:crypto';
import { appendFile, readFile, readdir, stat, truncate, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openAuditLog } from '../../src/audit/audit-log.js';
import { hashText, sealText } from '../../src/audit/audit-record.js';
import { formatVerifyResult, verifyAuditChain, verifyAuditFile } from '../../src/audit/audit-verify.js';
import { createFakeClock, entry, makeTempAudit, type TempAudit } from './audit-fixtures.js';

let t: TempAudit;
beforeEach(async () => {
  t = await makeTempAudit();
});
afterEach(() => t.remove());

async function writeRecords(count: number, iso = '2026-11-20T10:00:00Z'): Promise<void> {
  const { log } = await openAuditLog({ config: t.config(), clock: createFakeClock(iso) });
  for (let i = 1; i <= count; i++) log.append(entry(i));
  await log.close();
}

// Half a record, cut inside a two-byte UTF-8 character ("é" is C3 A9).
const TORN = Buffer.concat([Buffer.from('{"ts":"2026-11-20T10:00:01.000Z","seq":4,"event":"request","key_name":"Ren'), Buffer.from([0xc3])]);

describe('a torn last line', () => {
  it('is reported by verify with its file and byte offset, and is not a broken chain', async () => {
    await writeRecords(3);
    const offset = (await stat(t.path)).size;
    await appendFile(t.path, TORN);
    const result = await verifyAuditChain(t.path);
    expect(result).toMatchObject({ ok: true, records: 3, head: { seq: 3 }, torn: { file: t.path, offset, bytes: TORN.length } });
    expect(formatVerifyResult(result).split('\n')[2]).toBe(
      `torn tail: ${t.path}: ${TORN.length} bytes from byte offset ${offset} are an incomplete last line (a write cut short by a crash), ` +
        'not a record and not part of the chain; swapgate moves them to <file>.torn-<time> on its next start',
    );
  });

  it('is moved aside on start with its exact bytes; the file is cut back and the chain continues and verifies', async () => {
    await writeRecords(3);
    const before = await readFile(t.path);
    await appendFile(t.path, TORN);
    const { log, warnings } = await openAuditLog({ config: t.config(), clock: createFakeClock('2026-11-20T11:00:00.250Z') });
    const tornPath = `${t.path}.torn-2026-11-20T11-00-00.250Z`;
    expect(warnings).toEqual([
      expect.objectContaining({ code: 'audit_recovered', skippedLines: 1, skippedBytes: TORN.length, offset: before.length, movedTo: tornPath }),
    ]);
    expect(await readFile(tornPath)).toEqual(TORN);
    // Cut back before anything new was appended: the old bytes and then the recovered record.
    expect((await readFile(t.path)).subarray(0, before.length)).toEqual(before);

    await log.record(entry(4));
    await log.close();
    const records = (await t.lines()).map((l) => JSON.parse(l));
    expect(records.map((r) => [r.seq, r.event])).toEqual([[1, 'request'], [2, 'request'], [3, 'request'], [4, 'recovered'], [5, 'request']]);
    expect(records[3].recovered).toEqual({
      moved_to: basename(tornPath), offset: before.length, bytes: TORN.length, lines: 1,
      sha256: createHash('sha256').update(TORN).digest('hex'),
    });
    expect(await verifyAuditChain(t.path)).toMatchObject({ ok: true, records: 5, torn: null, head: { seq: 5 } });
    expect((await readdir(join(t.dir, 'logs'))).sort()).toEqual(['swapgate-audit.jsonl', basename(tornPath)]);
  });

  it('a record cut right before its newline is kept whole and the next record starts on its own line', async () => {
    await writeRecords(2);
    await truncate(t.path, (await stat(t.path)).size - 1);
    const { log, warnings } = await openAuditLog({ config: t.config(), clock: createFakeClock('2026-11-20T11:00:00Z') });
    expect(warnings).toEqual([]);
    await log.record(entry(3));
    await log.close();
    expect((await t.lines()).map((l) => JSON.parse(l).seq)).toEqual([1, 2, 3]);
    expect(await verifyAuditFile(t.path)).toMatchObject({ ok: true, records: 3 });
  });

  it('a torn line in a rotated segment is a broken chain', async () => {
    await writeRecords(2);
    await appendFile(t.path, TORN);
    const segment = join(t.dir, 'logs', 'swapgate-audit.2026-11-20.jsonl');
    await writeFile(segment, await readFile(t.path));
    await writeFile(t.path, '');
    expect(await verifyAuditChain(t.path)).toMatchObject({ ok: false, file: segment, line: 3, reason: expect.stringContaining('rotated segment') });
  });

  it('a file without any complete record in its last MiB is refused, not truncated', async () => {
    await writeRecords(1);
    await appendFile(t.path, 'x'.repeat((1 << 20) + 10));
    const size = (await stat(t.path)).size;
    await expect(openAuditLog({ config: t.config() })).rejects.toMatchObject({ code: 'internal', message: expect.stringContaining('no complete record') });
    expect((await stat(t.path)).size).toBe(size);
  });
});

describe('files recovered by earlier versions', () => {
  it('a fragment kept in the file and accounted for by an old-style "recovered" record still verifies', async () => {
    await writeRecords(2);
    const lines = await t.lines();
    const fragment = '{"ts":"2026-11-20T10:00:01.000Z","seq":3,"ev';
    const plain = JSON.stringify({ ts: '2026-11-20T11:00:00.000Z', seq: 3, event: 'recovered', recovered: { skipped_lines: 1, skipped_bytes: fragment.length, skipped_sha256: hashText(fragment) } });
    const recovered = sealText(plain, hashText(lines[1] ?? ''));
    await writeFile(t.path, `${lines.join('\n')}\n${fragment}\n${recovered}\n`);
    expect(await verifyAuditFile(t.path)).toMatchObject({ ok: true, records: 3, torn: null });
  });
});
