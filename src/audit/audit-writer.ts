// Writes one group of records to the active file: seals each record into the chain (seq,
// prev_hash, hash) in order, rotates at the first record of a new UTC day (deleting expired
// segments, each deletion a chained retention record), writes the group's lines with one write
// (two around a rotation), then fdatasyncs when asked. A group that failed leaves the chain where
// the last written line left it.
import { unlink } from 'node:fs/promises';
import type { AuditConfig } from '../config/types.js';
import type { Clock } from '../shared/clock.js';
import { getSystemFields, hashText, sealText } from './audit-record.js';
import { formatUtcDate, listAuditSegments, rotateAuditFile, selectExpiredSegments } from './audit-rotate.js';
import { readChainTail } from './audit-tail.js';

/** The part of a FileHandle the writer uses (opened for appending). */
export interface AuditFile {
  write(buffer: Buffer, offset: number): Promise<{ readonly bytesWritten: number }>;
  datasync(): Promise<void>;
  close(): Promise<void>;
}

export interface PendingRecord {
  readonly tsMs: number;
  /** The record's JSON text (without prev_hash and hash) for its sequence number. */
  readonly render: (seq: number) => string;
}

export interface AuditWriterOptions {
  readonly config: AuditConfig;
  readonly clock: Clock;
  readonly openFile: (path: string) => Promise<AuditFile>;
  /** always: every group (audit.fsync); onFlush: a group holding a flush:true record. */
  readonly sync: { readonly always: boolean; readonly onFlush: boolean };
  readonly start: { readonly seq: number; readonly prevHash: string; readonly lastTsMs: number | null; readonly hasRecords: boolean };
  /** Reports a failed write; returns the error the group rejects with. */
  readonly onError: (cause: unknown) => Error;
}

export interface AuditWriter {
  write(items: readonly PendingRecord[], flushed: boolean): Promise<void>;
  /** Ends a last line that lacks its newline (a write cut right before it). */
  endLine(): Promise<void>;
  close(): Promise<void>;
}

/** A short write (disk full, a signal) is continued, never dropped. */
async function writeAll(file: AuditFile, text: string): Promise<void> {
  const buffer = Buffer.from(text);
  let offset = 0;
  while (offset < buffer.length) {
    const { bytesWritten } = await file.write(buffer, offset);
    if (bytesWritten <= 0) throw new Error(`write returned ${bytesWritten} bytes`);
    offset += bytesWritten;
  }
}

export async function createAuditWriter(options: AuditWriterOptions): Promise<AuditWriter> {
  const { config, sync, openFile } = options;
  const path = config.path;
  let file = await openFile(path);
  let seq = options.start.seq;
  let prevHash = options.start.prevHash;
  let activeDate = formatUtcDate(options.start.lastTsMs ?? options.clock.now());
  let activeHasRecords = options.start.hasRecords;

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
      await file.close();
      await rotateAuditFile(path, activeDate);
      file = await openFile(path);
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

  return {
    async write(items, flushed) {
      let lines: string[] = [];
      let written = { seq, prevHash };
      const writeLines = async (): Promise<void> => {
        if (lines.length === 0) return;
        await writeAll(file, `${lines.join('\n')}\n`);
        activeHasRecords = true;
        lines = [];
        written = { seq, prevHash };
      };
      try {
        for (const item of items) {
          const date = formatUtcDate(item.tsMs);
          if (date > activeDate) {
            await writeLines();
            await rotate(date, item.tsMs, lines);
          }
          lines.push(seal(item.render));
        }
        await writeLines();
        if (sync.always || (flushed && sync.onFlush)) await file.datasync();
      } catch (error) {
        ({ seq, prevHash } = written);
        throw options.onError(error);
      }
    },
    endLine: () => writeAll(file, '\n'),
    close: () => file.close(),
  };
}
