// Group commit (audit.flush_interval_ms: 0, the default): the records of one event-loop turn go
// to the file with one write at the end of the turn, and the promise every one of them shares
// settles only once that write returned; audit.fsync syncs once per group.
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openAuditLog } from '../../src/audit/audit-log.js';
import { verifyAuditChain, verifyAuditFile } from '../../src/audit/audit-verify.js';
import { createDeferred } from '../../src/shared/deferred.js';
import type { SwapgateError } from '../../src/shared/errors.js';
import { waitFor } from '../helpers/wait-for.js';
import { createFakeClock, createFileSpy, entry, makeTempAudit, nextTurn, type TempAudit } from './audit-fixtures.js';

let t: TempAudit;
beforeEach(async () => {
  t = await makeTempAudit();
});
afterEach(() => t.remove());

const countLines = (path: string): number => readFileSync(path, 'utf8').split('\n').filter(Boolean).length;

describe('group commit (flush_interval_ms 0)', () => {
  it('writes the N records of one turn with one write; their one promise settles after the bytes are in the file', async () => {
    const spy = createFileSpy();
    const { log } = await openAuditLog({ config: t.config(), openFile: spy.openFile });
    const promises = Array.from({ length: 50 }, (_, i) => log.record(entry(i + 1)));
    expect(new Set(promises).size).toBe(1); // one shared promise, not one per record
    let seenAtResolve = -1;
    const seen = promises[0]?.then(() => (seenAtResolve = countLines(t.path)));

    const hold = createDeferred<void>();
    spy.hold = hold.promise;
    await waitFor(() => spy.writes === 1, { what: 'the group write to start' });
    await nextTurn();
    await nextTurn();
    expect(seenAtResolve).toBe(-1); // the write has not returned: nobody was told it is written
    expect(countLines(t.path)).toBe(0);

    hold.resolve();
    spy.hold = null;
    await seen;
    expect(seenAtResolve).toBe(50);
    expect(spy.writes).toBe(1);
    expect((await t.lines()).map((l) => JSON.parse(l).seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    await log.close();
    expect(await verifyAuditFile(t.path)).toMatchObject({ ok: true, records: 50 });
  });

  it('one write per turn; records arriving while a write is in flight form the next group together', async () => {
    const spy = createFileSpy();
    const { log } = await openAuditLog({ config: t.config(), openFile: spy.openFile });
    const hold = createDeferred<void>();
    spy.hold = hold.promise;
    const first = log.record(entry('a1'));
    log.append(entry('a2'));
    await waitFor(() => spy.writes === 1, { what: 'the first group write' });
    const second = log.record(entry('b1')); // a later turn, first write still in flight
    await nextTurn();
    const third = log.record(entry('c1')); // yet another turn
    expect(third).toBe(second);
    await nextTurn();
    expect(spy.writes).toBe(1);
    spy.hold = null;
    hold.resolve();
    await first;
    await second;
    expect(spy.writes).toBe(2);
    expect((await t.lines()).map((l) => JSON.parse(l).request_id)).toEqual(['req-a1', 'req-a2', 'req-b1', 'req-c1']);

    await log.record(entry('d1'));
    expect(spy.writes).toBe(3);
    await log.close();
    expect(await verifyAuditFile(t.path)).toMatchObject({ ok: true, records: 5 });
  });

  it('append() makes no promise and is written at the end of the turn too', async () => {
    const spy = createFileSpy();
    const { log } = await openAuditLog({ config: t.config(), openFile: spy.openFile });
    expect(log.append(entry(1))).toBeUndefined();
    log.append(entry(2));
    await waitFor(async () => (await t.lines().catch(() => [])).length === 2, { what: 'two appended records' });
    expect(spy.writes).toBe(1);
    await log.close();
  });

  it('a failed write rejects the group with the error, reports it once, and the chain continues from the last written record', async () => {
    const spy = createFileSpy();
    const errors: SwapgateError[] = [];
    const { log } = await openAuditLog({ config: t.config(), openFile: spy.openFile, onError: (e) => errors.push(e) });
    await log.record(entry(1));
    spy.fail = Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    const failed = log.record(entry(2));
    log.append(entry(3));
    await expect(failed).rejects.toMatchObject({ code: 'internal', message: expect.stringContaining('no space left') });
    expect(errors).toHaveLength(1);
    spy.fail = null;
    await log.record(entry(4));
    await log.close();
    expect((await t.lines()).map((l) => [JSON.parse(l).seq, JSON.parse(l).request_id])).toEqual([[1, 'req-1'], [2, 'req-4']]);
    expect(await verifyAuditFile(t.path)).toMatchObject({ ok: true, records: 2 });
  });

  it('commit(): one promise per group that settles after the write and never rejects, even when the write failed', async () => {
    const spy = createFileSpy();
    const errors: SwapgateError[] = [];
    const { log } = await openAuditLog({ config: t.config(), openFile: spy.openFile, onError: (e) => errors.push(e) });
    const first = log.commit(entry(1));
    expect(log.commit(entry(2))).toBe(first);
    let seenAtResolve = -1;
    await first.then(() => (seenAtResolve = countLines(t.path)));
    expect(seenAtResolve).toBe(2);

    spy.fail = new Error('input/output error');
    const failed = log.commit(entry(3), { flush: true });
    await expect(failed).resolves.toBeUndefined();
    expect(errors).toEqual([expect.objectContaining({ code: 'internal', message: expect.stringContaining('input/output error') })]);
    spy.fail = null;
    await log.close();
    await expect(log.commit(entry(4))).resolves.toBeUndefined(); // after close: reported, never thrown
    expect(errors).toHaveLength(2);
  });

  it('a rotation inside one group still chains in order: the day changes between two records of one turn', async () => {
    const clock = createFakeClock('2026-11-20T23:59:59.900Z');
    const { log } = await openAuditLog({ config: t.config({ retentionDays: 1 }), clock });
    await log.record(entry(1));
    void log.record(entry(2));
    clock.set('2026-11-21T00:00:00.100Z');
    void log.record(entry(3));
    clock.set('2026-11-22T00:00:00.100Z');
    await log.record(entry(4));
    await log.close();
    expect((await readdir(join(t.dir, 'logs'))).sort()).toEqual(['swapgate-audit.2026-11-21.jsonl', 'swapgate-audit.jsonl']);
    expect((await t.lines()).map((l) => JSON.parse(l).event)).toEqual(['retention', 'request']);
    expect(await verifyAuditChain(t.path)).toMatchObject({ ok: true, records: 3, head: { seq: 5 } });
  });
});

describe('batching window (flush_interval_ms > 0)', () => {
  it('collects records for the window; a flush:true record is written (and synced) at the end of its turn', async () => {
    const spy = createFileSpy();
    const clock = createFakeClock('2026-11-20T10:00:00Z');
    const { log } = await openAuditLog({ config: t.config({ flushIntervalMs: 1_000 }), clock, openFile: spy.openFile });
    const batched = log.record(entry(1));
    await nextTurn();
    await nextTurn();
    expect(spy.writes).toBe(0);
    clock.advance(1_000);
    await batched;
    expect(spy).toMatchObject({ writes: 1, syncs: 0 });

    log.append(entry(2));
    await log.record(entry(3, { event: 'rejected', status: 400 }), { flush: true });
    expect(spy).toMatchObject({ writes: 2, syncs: 1 });
    expect((await t.lines()).map((l) => JSON.parse(l).request_id)).toEqual(['req-1', 'req-2', 'req-3']);
    await log.close();
  });
});

describe('audit.fsync', () => {
  it('true: one fdatasync per group, before the group is reported written', async () => {
    const spy = createFileSpy();
    const { log } = await openAuditLog({ config: t.config({ fsync: true }), openFile: spy.openFile });
    for (let i = 0; i < 10; i++) log.append(entry(i));
    await log.record(entry(10));
    expect(spy).toMatchObject({ writes: 1, syncs: 1 });
    await log.record(entry(11));
    await log.record(entry(12));
    expect(spy).toMatchObject({ writes: 3, syncs: 3 });
    await log.close();
  });

  it('false: no sync, except for a group holding a flush:true (blocked request) record, unless syncOnFlush is off', async () => {
    const spy = createFileSpy();
    const { log } = await openAuditLog({ config: t.config({ fsync: false }), openFile: spy.openFile });
    await log.record(entry(1));
    await log.record(entry(2));
    expect(spy).toMatchObject({ writes: 2, syncs: 0 });
    void log.record(entry(3));
    await log.record(entry(4, { event: 'rejected', status: 400 }), { flush: true });
    expect(spy).toMatchObject({ writes: 3, syncs: 1 });
    await log.close();

    const quiet = createFileSpy();
    const reopened = await openAuditLog({ config: t.config(), openFile: quiet.openFile, syncOnFlush: false });
    await reopened.log.record(entry(5), { flush: true });
    expect(quiet).toMatchObject({ writes: 1, syncs: 0 });
    await reopened.log.close();
  });
});
