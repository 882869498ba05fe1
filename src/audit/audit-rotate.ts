// Daily segments of the audit file: at the first write of a new UTC day the active file
// (swapgate-audit.jsonl) is renamed to swapgate-audit.<date>.jsonl (".<n>" added if taken),
// and with retention_days segments older than that are deleted by the writer.
import { readdir, rename, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { formatIsoTime } from './audit-record.js';

export interface AuditSegment {
  readonly path: string;
  readonly name: string;
  /** YYYY-MM-DD (UTC) of the records inside. */
  readonly date: string;
  readonly index: number;
}

const DAY_MS = 86_400_000;

export function formatUtcDate(ms: number): string {
  return formatIsoTime(ms).slice(0, 10);
}

function splitActivePath(activePath: string): { dir: string; stem: string; ext: string } {
  const ext = extname(activePath);
  return { dir: dirname(activePath), stem: basename(activePath, ext), ext };
}

export function getSegmentPath(activePath: string, date: string, index = 0): string {
  const { dir, stem, ext } = splitActivePath(activePath);
  return join(dir, `${stem}.${date}${index > 0 ? `.${index}` : ''}${ext}`);
}

/** Oldest first. */
export async function listAuditSegments(activePath: string): Promise<AuditSegment[]> {
  const { dir, stem, ext } = splitActivePath(activePath);
  const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^${escape(stem)}\\.(\\d{4}-\\d{2}-\\d{2})(?:\\.(\\d+))?${escape(ext)}$`);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names
    .flatMap((name) => {
      const m = pattern.exec(name);
      return m ? [{ path: join(dir, name), name, date: m[1] ?? '', index: Number(m[2] ?? 0) }] : [];
    })
    .sort((a, b) => (a.date === b.date ? a.index - b.index : a.date < b.date ? -1 : 1));
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false; // missing (or unreadable): either way not a name to reuse
  }
}

/** Renames the active file to its dated segment; returns the segment path. */
export async function rotateAuditFile(activePath: string, date: string): Promise<string> {
  let index = 0;
  while (await exists(getSegmentPath(activePath, date, index))) index++;
  const target = getSegmentPath(activePath, date, index);
  await rename(activePath, target);
  return target;
}

/** Segments dated before today − retentionDays; none when retentionDays is 0 (keep forever). */
export function selectExpiredSegments(segments: readonly AuditSegment[], today: string, retentionDays: number): AuditSegment[] {
  if (retentionDays <= 0) return [];
  const cutoff = formatUtcDate(Date.parse(`${today}T00:00:00Z`) - retentionDays * DAY_MS);
  return segments.filter((s) => s.date < cutoff);
}
