// Reads the end of an audit file to continue its chain: the last valid record, where it ends
// (a byte offset), and any bytes after it that are not records (a write cut short by a crash).
// Works on bytes: a newline byte never occurs inside a multi-byte UTF-8 character.
import { hash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { readRecordLine } from './audit-record.js';

export interface AuditFragment {
  readonly lines: number;
  readonly bytes: number;
  readonly sha256: string;
  readonly endsWithNewline: boolean;
}

export interface ChainTail {
  readonly size: number;
  /** The last valid record's line, or null. */
  readonly lastLine: string | null;
  readonly lastSeq: number;
  readonly lastTsMs: number | null;
  /**
   * Byte offset just after the last valid record (and its newline, when it has one); 0 when the
   * file holds no record; null when the tail window holds no whole valid record at all.
   */
  readonly validEnd: number | null;
  /** The last valid record is the file's last byte without its newline (cut right before it). */
  readonly missingNewline: boolean;
  /** Everything from validEnd to the end of the file, when that is not empty. */
  readonly fragment: AuditFragment | null;
}

const TAIL_BYTES = 1 << 20;
const NEWLINE = 0x0a;
const EMPTY: ChainTail = { size: 0, lastLine: null, lastSeq: 0, lastTsMs: null, validEnd: 0, missingNewline: false, fragment: null };

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}

function isValidLine(line: string): boolean {
  const read = readRecordLine(line);
  return read !== null && typeof read.record.seq === 'number' && (!read.hasHash || read.hashOk);
}

/** Walks back line by line from the end of the window to the last valid record. */
function findLastValid(buffer: Buffer, wholeFile: boolean): { line: string; end: number; skipped: number } | { line: null; skipped: number } {
  let end = buffer.at(-1) === NEWLINE ? buffer.length - 1 : buffer.length;
  let skipped = 0;
  for (;;) {
    const newline = end === 0 ? -1 : buffer.lastIndexOf(NEWLINE, end - 1);
    if (newline < 0 && !wholeFile) return { line: null, skipped }; // the window began mid-line
    const line = buffer.toString('utf8', newline + 1, end);
    if (isValidLine(line)) return { line, end, skipped };
    skipped += 1;
    if (newline < 0) return { line: null, skipped };
    end = newline;
  }
}

export async function readChainTail(path: string): Promise<ChainTail> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return EMPTY;
    throw error;
  }
  try {
    const { size } = await handle.stat();
    if (size === 0) return EMPTY;
    const start = Math.max(0, size - TAIL_BYTES);
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    const found = findLastValid(buffer, start === 0);
    const record = found.line === null ? null : readRecordLine(found.line)?.record;
    let validEnd: number | null = null;
    if (found.line !== null) validEnd = start + Math.min(found.end + 1, buffer.length);
    else if (start === 0) validEnd = 0;
    const fragmentBytes = validEnd === null ? buffer : buffer.subarray(validEnd - start);
    return {
      size,
      lastLine: found.line,
      lastSeq: typeof record?.seq === 'number' ? record.seq : 0,
      lastTsMs: typeof record?.ts === 'string' ? Date.parse(record.ts) : null,
      validEnd,
      missingNewline: found.line !== null && found.end === buffer.length,
      fragment: fragmentBytes.length === 0 ? null : {
        lines: found.skipped,
        bytes: fragmentBytes.length,
        sha256: hash('sha256', fragmentBytes, 'hex'),
        endsWithNewline: fragmentBytes.at(-1) === NEWLINE,
      },
    };
  } finally {
    await handle.close();
  }
}
