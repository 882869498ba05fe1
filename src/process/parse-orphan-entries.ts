// Reads the orphan state file's JSON. A damaged file must not stop the daemon from booting:
// unreadable entries are skipped; fields that older versions did not write become null.
import type { OrphanEntry } from './reap-orphans.js';

export function parseOrphanEntries(text: string): OrphanEntry[] {
  if (text.trim() === '') return [];
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return []; // not JSON (e.g. truncated by a crash mid-write of an older version): nothing to reap
  }
  if (typeof data !== 'object' || data === null || !('entries' in data) || !Array.isArray(data.entries)) return [];
  return data.entries.flatMap((value: unknown) => {
    const entry = toOrphanEntry(value);
    return entry === null ? [] : [entry];
  });
}

function toOrphanEntry(value: unknown): OrphanEntry | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const { pid, pgid, modelId, argv, startedAt } = v;
  const startTicks = toOptionalInteger(v.startTicks);
  const ownerPid = toOptionalInteger(v.ownerPid);
  const ownerStartTicks = toOptionalInteger(v.ownerStartTicks);
  if (
    !isPid(pid) ||
    !isPid(pgid) ||
    typeof modelId !== 'string' ||
    !Array.isArray(argv) ||
    !argv.every((arg) => typeof arg === 'string') ||
    typeof startedAt !== 'number' ||
    startTicks === undefined ||
    ownerPid === undefined ||
    ownerStartTicks === undefined
  ) {
    return null;
  }
  return { pid, pgid, modelId, argv: argv as string[], startedAt, startTicks, ownerPid, ownerStartTicks };
}

function isPid(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) > 1;
}

/** null when absent or null; undefined when present but not a non-negative integer (a bad entry). */
function toOptionalInteger(value: unknown): number | null | undefined {
  if (value === undefined || value === null) return null;
  return Number.isSafeInteger(value) && (value as number) >= 0 ? (value as number) : undefined;
}
