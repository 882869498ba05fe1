// The append-only audit writer. Opened with flag "a" only. Records are group-committed (see
// commit-queue.ts): with flushIntervalMs 0 the records of one event-loop turn are written with
// one write at the end of the turn, and record() resolves once that write returned, so a caller
// can hold a response's last byte until its record is in the file. audit.fsync adds one
// fdatasync per group; a flush:true record (a blocked request) is synced either way unless
// syncOnFlush is false. Records are sealed (seq, prev_hash, hash) when written, so rotation and
// retention records slot into the chain in order. On open, bytes after the last complete record
// (a write cut short by a crash) are moved to <file>.torn-<time>, the file is truncated back,
// and an event:"recovered" record naming them continues the chain.
import { mkdir, open } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { AuditConfig } from '../config/types.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { SwapgateError } from '../shared/errors.js';
import { GENESIS_HASH, getSystemFields, hashText, renderEntry, type AuditEntry } from './audit-record.js';
import { listAuditSegments } from './audit-rotate.js';
import { readChainTail, type ChainTail } from './audit-tail.js';
import { createAuditWriter, type AuditFile, type PendingRecord } from './audit-writer.js';
import { createCommitQueue } from './commit-queue.js';
import { moveTornTail } from './move-torn-tail.js';

export type { AuditFile };

export interface AuditLogOptions {
  readonly config: AuditConfig;
  readonly clock?: Clock;
  /** Write failures; an awaited record() rejects with the same error. */
  readonly onError?: (error: SwapgateError) => void;
  /** fdatasync a group that contains a flush:true record (default true). */
  readonly syncOnFlush?: boolean;
  /** Opens the file for appending (default: fs open with flag "a"); a seam for tests. */
  readonly openFile?: (path: string) => Promise<AuditFile>;
}

export interface AuditWarning {
  readonly code: 'audit_recovered';
  readonly message: string;
  readonly skippedLines: number;
  readonly skippedBytes: number;
  /** Where the torn bytes went. */
  readonly movedTo: string;
  /** Byte offset in the audit file where they began. */
  readonly offset: number;
}

export interface AuditLog {
  /**
   * Queues a record; the promise settles when the record's group was written (and synced, with
   * audit.fsync or flush:true). Every record of a group gets the same promise object. With
   * flushIntervalMs > 0 that is up to flushIntervalMs later, unless flush is set.
   */
  record(entry: AuditEntry, options?: { readonly flush?: boolean }): Promise<void>;
  /**
   * record() for a response that waits for its record: the group's promise that settles once
   * the write returned or failed, and never rejects (failures reach onError only; an audit
   * failure never fails a request). Also one object per group.
   */
  commit(entry: AuditEntry, options?: { readonly flush?: boolean }): Promise<void>;
  /** record() for callers that do not wait: no promise is made; failures reach onError only. */
  append(entry: AuditEntry): void;
  /** Writes everything queued; never rejects. */
  flush(): Promise<void>;
  /** Flushes, then closes the file; later records reject. */
  close(): Promise<void>;
  readonly path: string;
  /** Records written by this process (metrics). */
  readonly written: number;
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

const openForAppend = (path: string): Promise<AuditFile> => open(path, 'a');

export async function openAuditLog(options: AuditLogOptions): Promise<{ log: AuditLog; warnings: AuditWarning[] }> {
  const { config } = options;
  const path = config.path;
  const clock = options.clock ?? systemClock;
  const onError = options.onError ?? (() => undefined);
  await mkdir(dirname(path), { recursive: true });
  const tail = await readChainTail(path);
  if (tail.validEnd === null) {
    throw auditError(path, 'no complete record in the last MiB of the file; it is not an audit log swapgate can continue (run `swapgate audit verify`)');
  }
  const torn = tail.fragment === null ? null : await moveTornTail(path, tail.validEnd, tail.size, clock.now());
  const start = await readChainStart(path, tail);
  const writer = await createAuditWriter({
    config,
    clock,
    openFile: options.openFile ?? openForAppend,
    sync: { always: config.fsync, onFlush: options.syncOnFlush ?? true },
    start: { seq: start.lastSeq + 1, prevHash: start.lastLine === null ? GENESIS_HASH : hashText(start.lastLine), lastTsMs: tail.lastTsMs, hasRecords: tail.validEnd > 0 },
    onError: (error) => {
      const failure = auditError(path, 'write failed', error);
      onError(failure);
      return failure;
    },
  });
  if (tail.missingNewline) await writer.endLine();
  let written = 0;
  const write = async (items: readonly PendingRecord[], flushed: boolean): Promise<void> => {
    await writer.write(items, flushed);
    written += items.length;
  };
  const queue = createCommitQueue<PendingRecord>({ intervalMs: config.flushIntervalMs, clock, write });
  let closed = false;

  const renderNow = (entry: AuditEntry): PendingRecord => {
    const tsMs = clock.now();
    return { tsMs, render: renderEntry(entry, tsMs) };
  };

  const warnings: AuditWarning[] = [];
  if (torn !== null && tail.fragment !== null) {
    const { fragment } = tail;
    warnings.push({
      code: 'audit_recovered',
      message: `audit log ${path}: ${fragment.bytes} bytes after the last complete record (byte offset ${torn.offset}, a write cut short) were moved to ${torn.path}; the chain continues from seq ${start.lastSeq}`,
      skippedLines: fragment.lines,
      skippedBytes: fragment.bytes,
      movedTo: torn.path,
      offset: torn.offset,
    });
    const detail = { moved_to: basename(torn.path), offset: torn.offset, bytes: fragment.bytes, lines: fragment.lines, sha256: fragment.sha256 };
    const tsMs = clock.now();
    await queue.add({ tsMs, render: (n) => JSON.stringify(getSystemFields('recovered', tsMs, n, detail)) }, true, 'result');
  }

  const log: AuditLog = {
    record(entry, recordOptions) {
      if (closed) return Promise.reject(auditError(path, 'record after close'));
      return queue.add(renderNow(entry), recordOptions?.flush === true, 'result');
    },
    commit(entry, commitOptions) {
      if (!closed) return queue.add(renderNow(entry), commitOptions?.flush === true, 'settled');
      onError(auditError(path, 'record after close'));
      return Promise.resolve();
    },
    append(entry) {
      if (closed) onError(auditError(path, 'record after close'));
      else queue.add(renderNow(entry), false, 'none');
    },
    flush: () => queue.flush(),
    get written() {
      return written;
    },
    async close() {
      if (closed) return;
      closed = true;
      await queue.flush();
      await writer.close();
    },
    path,
  };
  return { log, warnings };
}
