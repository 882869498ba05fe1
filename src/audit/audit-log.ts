// The append-only audit writer. Opened with flag "a" only. Records are queued and written
// within flushIntervalMs; record(…, { flush: true }) (blocked requests) writes at once and
// resolves once the line is on disk (fdatasync unless syncOnFlush is false). Records are
// sealed (seq, prev_hash, hash) when written, so rotation and retention records slot into the
// chain in order. On open, a half-written last line is isolated on its own line and an
// event:"recovered" record accounts for it, so the chain stays verifiable.
import { mkdir, open, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AuditConfig } from '../config/types.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { createDeferred, type Deferred } from '../shared/deferred.js';
import { SwapgateError } from '../shared/errors.js';
import { GENESIS_HASH, getSystemFields, hashText, renderEntry, sealText, type AuditEntry } from './audit-record.js';
import { formatUtcDate, listAuditSegments, rotateAuditFile, selectExpiredSegments } from './audit-rotate.js';
import { readChainTail, type ChainTail } from './audit-tail.js';

export interface AuditLogOptions {
  readonly config: AuditConfig;
  readonly clock?: Clock;
  /** Write failures; an awaited record() rejects with the same error. */
  readonly onError?: (error: SwapgateError) => void;
  /** fdatasync after a write that contains a flush:true record (default true). */
  readonly syncOnFlush?: boolean;
}

export interface AuditWarning {
  readonly code: 'audit_recovered';
  readonly message: string;
  readonly skippedLines: number;
  readonly skippedBytes: number;
}

export interface AuditLog {
  record(entry: AuditEntry, options?: { readonly flush?: boolean }): Promise<void>;
  /** record() for callers that do not wait: no promise is made; failures reach onError only. */
  append(entry: AuditEntry): void;
  /** Writes everything queued. */
  flush(): Promise<void>;
  /** Flushes, then closes the file; later records reject. */
  close(): Promise<void>;
  readonly path: string;
}

interface Pending {
  readonly tsMs: number;
  readonly sync: boolean;
  /** The record's JSON text (without prev_hash and hash) for its sequence number. */
  readonly render: (seq: number) => string;
  /** Absent for append(): nobody waits. */
  readonly done: Deferred<void> | null;
}

function auditError(path: string, what: string, cause?: unknown): SwapgateError {
  const reason = cause instanceof Error ? `: ${cause.message}` : '';
  return new SwapgateError('internal', `audit log ${path}: ${what}${reason}`, { status: 500, type: 'server_error', cause });
}

/** The chain continues from the active file, else from the newest segment (after a rotation). */
async function readChainStart(path: string, active: ChainTail): Promise<ChainTail> {
  if (active.lastLine !== null) return active;
  const newest = (await listAuditSegments(path)).at(-1);
  return newest ? readChainTail(newest.path) : active;
}

export async function openAuditLog(options: AuditLogOptions): Promise<{ log: AuditLog; warnings: AuditWarning[] }> {
  const { config } = options;
  const path = config.path;
  const clock = options.clock ?? systemClock;
  const onError = options.onError ?? (() => undefined);
  const syncOnFlush = options.syncOnFlush ?? true;
  await mkdir(dirname(path), { recursive: true });
  const tail = await readChainTail(path);
  const start = await readChainStart(path, tail);
  let seq = start.lastSeq + 1;
  let prevHash = start.lastLine === null ? GENESIS_HASH : hashText(start.lastLine);
  let activeDate = formatUtcDate(tail.lastTsMs ?? clock.now());
  let activeHasRecords = tail.size > 0;
  let handle: FileHandle = await open(path, 'a');
  const queue: Pending[] = [];
  let timer: { cancel(): void } | null = null;
  let writing: Promise<void> = Promise.resolve();
  let closed = false;

  const seal = (render: (seq: number) => string): string => {
    const plain = render(seq);
    const line = config.immutable ? sealText(plain, prevHash) : plain;
    seq += 1;
    prevHash = hashText(line);
    return line;
  };

  /** Renames the finished day away, then deletes expired segments, chaining a record for each. */
  const rotate = async (date: string, tsMs: number, lines: string[]): Promise<void> => {
    if (activeHasRecords) {
      await handle.close();
      await rotateAuditFile(path, activeDate);
      handle = await open(path, 'a');
      activeHasRecords = false;
    }
    activeDate = date;
    for (const segment of selectExpiredSegments(await listAuditSegments(path), date, config.retentionDays)) {
      const last = (await readChainTail(segment.path)).lastLine;
      await unlink(segment.path);
      const detail = { segment: segment.name, last_hash: last === null ? null : hashText(last) };
      lines.push(seal((n) => JSON.stringify(getSystemFields('retention', tsMs, n, detail))));
    }
  };

  const writeQueued = async (): Promise<void> => {
    const batch = queue.splice(0);
    if (batch.length === 0) return;
    let lines: string[] = [];
    const writeLines = async (): Promise<void> => {
      if (lines.length === 0) return;
      await handle.write(`${lines.join('\n')}\n`);
      activeHasRecords = true;
      lines = [];
    };
    try {
      for (const item of batch) {
        const date = formatUtcDate(item.tsMs);
        if (date > activeDate) {
          await writeLines();
          await rotate(date, item.tsMs, lines);
        }
        lines.push(seal(item.render));
      }
      await writeLines();
      if (syncOnFlush && batch.some((item) => item.sync)) await handle.datasync();
      for (const item of batch) item.done?.resolve();
    } catch (error) {
      const failure = auditError(path, 'write failed', error);
      onError(failure);
      for (const item of batch) item.done?.reject(failure);
    }
  };

  const kick = (): Promise<void> => {
    writing = writing.then(writeQueued);
    return writing;
  };

  const enqueue = (render: (tsMs: number) => (seq: number) => string, flush: boolean, done: Deferred<void> | null): void => {
    const tsMs = clock.now();
    queue.push({ tsMs, sync: flush, render: render(tsMs), done });
    if (flush) void kick();
    else if (timer === null) {
      timer = clock.setTimeout(() => {
        timer = null;
        void kick();
      }, config.flushIntervalMs);
    }
  };

  const enqueueAwaited = (render: (tsMs: number) => (seq: number) => string, flush: boolean): Promise<void> => {
    if (closed) return Promise.reject(auditError(path, 'record after close'));
    const done = createDeferred<void>();
    // Failures also reach onError; this keeps an un-awaited record() from being an unhandled rejection.
    done.promise.catch(() => undefined);
    enqueue(render, flush, done);
    return done.promise;
  };

  const warnings: AuditWarning[] = [];
  if (tail.fragment) {
    const { fragment } = tail;
    if (!fragment.endsWithNewline) await handle.write('\n');
    warnings.push({
      code: 'audit_recovered',
      message: `audit log ${path}: ${fragment.lines} incomplete line(s) (${fragment.bytes} bytes) after the last good record were kept aside; the chain continues from seq ${seq - 1}`,
      skippedLines: fragment.lines,
      skippedBytes: fragment.bytes,
    });
    const detail = { skipped_lines: fragment.lines, skipped_bytes: fragment.bytes, skipped_sha256: fragment.sha256 };
    await enqueueAwaited((tsMs) => (n) => JSON.stringify(getSystemFields('recovered', tsMs, n, detail)), true);
  }

  const log: AuditLog = {
    record: (entry, recordOptions) => enqueueAwaited((tsMs) => renderEntry(entry, tsMs), recordOptions?.flush === true),
    append(entry) {
      if (closed) onError(auditError(path, 'record after close'));
      else enqueue((tsMs) => renderEntry(entry, tsMs), false, null);
    },
    flush: kick,
    async close() {
      if (closed) return;
      closed = true;
      timer?.cancel();
      timer = null;
      await kick();
      await handle.close();
    },
    path,
  };
  return { log, warnings };
}
