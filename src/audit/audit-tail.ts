// Reads the end of an audit file to continue its chain: the last valid record, and any bytes
// after it that are not records (a line half-written when the process died).
import { open } from 'node:fs/promises';
import { hashText, readRecordLine } from './audit-record.js';

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
  readonly fragment: AuditFragment | null;
}

const TAIL_BYTES = 1 << 20;
const EMPTY: ChainTail = { size: 0, lastLine: null, lastSeq: 0, lastTsMs: null, fragment: null };

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}

function isValidLine(line: string): boolean {
  const read = readRecordLine(line);
  return read !== null && typeof read.record.seq === 'number' && (!read.hasHash || read.hashOk);
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
    const start = Math.max(0, size - TAIL_BYTES);
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    const text = buffer.toString('utf8');
    const endsWithNewline = text.endsWith('\n');
    const lines = text.split('\n');
    if (endsWithNewline) lines.pop();
    if (start > 0) lines.shift(); // the window may begin mid-line
    let last = lines.length - 1;
    while (last >= 0 && !isValidLine(lines[last] ?? '')) last--;
    const lastLine = last >= 0 ? (lines[last] ?? null) : null;
    const record = lastLine === null ? null : readRecordLine(lastLine)?.record;
    const skipped = lines.slice(last + 1);
    const skippedText = skipped.join('\n');
    return {
      size,
      lastLine,
      lastSeq: typeof record?.seq === 'number' ? record.seq : 0,
      lastTsMs: typeof record?.ts === 'string' ? Date.parse(record.ts) : null,
      fragment: skipped.length === 0 ? null : {
        lines: skipped.length,
        bytes: Buffer.byteLength(skippedText),
        sha256: hashText(skippedText),
        endsWithNewline,
      },
    };
  } finally {
    await handle.close();
  }
}
