// A crash mid-write can leave bytes after the last complete record (a torn line). Before the
// writer appends again they are copied, byte for byte, to <audit file>.torn-<UTC time> (synced),
// and only then is the audit file truncated back to the end of its last complete record.
import { open, truncate } from 'node:fs/promises';
import { formatIsoTime } from './audit-record.js';

export interface MovedTail {
  /** Where the bytes went. */
  readonly path: string;
  /** Byte offset in the audit file where they began (the file's new size). */
  readonly offset: number;
  readonly bytes: number;
}

/** audit.jsonl.torn-2026-11-20T10-00-00.123Z (no colons: portable file names). */
export function getTornPath(auditPath: string, tsMs: number, index = 0): string {
  return `${auditPath}.torn-${formatIsoTime(tsMs).replace(/:/g, '-')}${index > 0 ? `.${index}` : ''}`;
}

async function readRange(path: string, offset: number, length: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, offset);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Creates a file that did not exist ("wx"), trying .1, .2 … when the name is taken. */
async function writeNewFile(auditPath: string, tsMs: number, bytes: Buffer): Promise<string> {
  for (let index = 0; ; index++) {
    const path = getTornPath(auditPath, tsMs, index);
    let handle;
    try {
      handle = await open(path, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw error;
    }
    try {
      await handle.writeFile(bytes);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    return path;
  }
}

/** Moves the bytes of auditPath from `offset` to its end aside; the file ends at `offset` after. */
export async function moveTornTail(auditPath: string, offset: number, size: number, tsMs: number): Promise<MovedTail> {
  const bytes = await readRange(auditPath, offset, size - offset);
  const path = await writeNewFile(auditPath, tsMs, bytes);
  await truncate(auditPath, offset);
  return { path, offset, bytes: bytes.length };
}
