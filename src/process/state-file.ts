// One daemon's state file: who the daemon is (pid, start time, boot) and every upstream run it
// started and has not yet seen gone, with what names their processes. A damaged file must not
// stop a daemon from booting: unreadable entries are skipped. Files of older versions (one file
// per --listen, an owner in each entry, no marker, no descendants) are still read.
import type { OrphanEntry } from './reap-orphans.js';
import type { ProcessRecord } from './run-identity.js';

export const STATE_FILE_VERSION = 2;

/** A daemon, named for good by its pid and start time within one boot. */
export interface DaemonIdentity {
  readonly pid: number;
  readonly startTicks: number | null;
  readonly bootId: string | null;
}

export interface StateFile {
  /** null in files of older versions: each entry names its owner. */
  readonly daemon: DaemonIdentity | null;
  readonly entries: OrphanEntry[];
}

export function formatStateFile(daemon: DaemonIdentity, entries: readonly OrphanEntry[]): string {
  const runs = entries.map(({ ownerPid: _pid, ownerStartTicks: _ticks, bootId: _boot, ...run }) => run);
  return `${JSON.stringify({ version: STATE_FILE_VERSION, daemon, entries: runs }, null, 2)}\n`;
}

export function parseStateFile(text: string): StateFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { daemon: null, entries: [] }; // empty, or truncated by a crash mid-write of an older version
  }
  if (!isObject(data) || !Array.isArray(data.entries)) return { daemon: null, entries: [] };
  const daemon = toDaemon(data.daemon);
  const entries = data.entries.flatMap((value: unknown) => {
    const entry = toOrphanEntry(value, daemon);
    return entry === null ? [] : [entry];
  });
  return { daemon, entries };
}

function toDaemon(value: unknown): DaemonIdentity | null {
  if (!isObject(value) || !isPid(value.pid)) return null;
  const startTicks = toOptionalInteger(value.startTicks);
  if (startTicks === undefined) return null;
  return { pid: value.pid, startTicks, bootId: typeof value.bootId === 'string' ? value.bootId : null };
}

function toOrphanEntry(value: unknown, daemon: DaemonIdentity | null): OrphanEntry | null {
  if (!isObject(value)) return null;
  const { pid, pgid, modelId, argv, startedAt } = value;
  const startTicks = toOptionalInteger(value.startTicks);
  const ownerPid = daemon?.pid ?? toOptionalInteger(value.ownerPid);
  const ownerStartTicks = daemon === null ? toOptionalInteger(value.ownerStartTicks) : daemon.startTicks;
  if (
    !isPid(pid) ||
    !isPid(pgid) ||
    typeof modelId !== 'string' ||
    !isArgv(argv) ||
    typeof startedAt !== 'number' ||
    startTicks === undefined ||
    ownerPid === undefined ||
    ownerStartTicks === undefined
  ) {
    return null;
  }
  const cmdlines = Array.isArray(value.cmdlines) ? value.cmdlines.filter(isArgv) : [];
  return {
    pid,
    pgid,
    modelId,
    argv,
    startedAt,
    startTicks,
    ownerPid,
    ownerStartTicks,
    bootId: daemon?.bootId ?? null,
    marker: typeof value.marker === 'string' && value.marker !== '' ? value.marker : null,
    cmdlines: cmdlines.length > 0 ? cmdlines : [argv],
    descendants: Array.isArray(value.descendants) ? value.descendants.flatMap(toProcessRecord) : [],
  };
}

function toProcessRecord(value: unknown): ProcessRecord[] {
  if (!isObject(value) || !isPid(value.pid)) return [];
  const startTicks = toOptionalInteger(value.startTicks);
  if (startTicks === undefined) return [];
  return [{ pid: value.pid, startTicks, cmdline: isArgv(value.cmdline) ? value.cmdline : null }];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isArgv(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((arg) => typeof arg === 'string');
}

function isPid(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) > 1;
}

/** null when absent or null; undefined when present but not a non-negative integer (a bad entry). */
function toOptionalInteger(value: unknown): number | null | undefined {
  if (value === undefined || value === null) return null;
  return Number.isSafeInteger(value) && (value as number) >= 0 ? (value as number) : undefined;
}
