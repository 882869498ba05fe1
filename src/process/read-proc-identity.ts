// What proves that a process is the one swapgate started, read from /proc: its command line,
// the run marker in its environment, the boot it belongs to, and its children. Each returns
// null (or false) when it cannot tell: no /proc, the process is gone, or it is not ours to read.
import { readdirSync, readFileSync } from 'node:fs';

/** The environment variable every upstream (and so every descendant) inherits; its value names the run. */
export const RUN_MARKER_VAR = 'SWAPGATE_RUN_ID';

/** /proc/<pid>/cmdline is the exec'd argv, NUL-separated (with a trailing NUL). */
export function readCmdline(pid: number): string[] | null {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw === '' ? null : raw.split('\0').slice(0, raw.endsWith('\0') ? -1 : undefined);
  } catch {
    return null; // gone meanwhile, or no /proc: identity cannot be proven, so it is not ours
  }
}

/**
 * True when the process was started with `SWAPGATE_RUN_ID=<marker>` in its environment, i.e.
 * it descends from that run (the marker is random per run). Someone else's process cannot be
 * read (EACCES) and is not ours.
 */
export function hasRunMarker(pid: number, marker: string): boolean {
  try {
    const environ = readFileSync(`/proc/${pid}/environ`);
    const needle = Buffer.from(`${RUN_MARKER_VAR}=${marker}\0`);
    const at = environ.indexOf(needle);
    return at === 0 || (at > 0 && environ[at - 1] === 0);
  } catch {
    return false; // gone, not ours to read, or no /proc
  }
}

/** Changes at every boot; start times (clock ticks since boot) only compare within one boot. */
export function readBootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
  } catch {
    return null; // not Linux, or a /proc without it: start times are then trusted as they are
  }
}

const HAS_CHILDREN_FILE = ((): boolean => {
  try {
    readFileSync(`/proc/${process.pid}/task/${process.pid}/children`);
    return true;
  } catch {
    return false; // no /proc, or no CONFIG_PROC_CHILDREN
  }
})();

/**
 * The direct children of pid (of all its threads), or null when the kernel does not list them
 * (no /proc, or built without CONFIG_PROC_CHILDREN): the caller then scans the process table.
 */
export function readChildPids(pid: number): number[] | null {
  if (!HAS_CHILDREN_FILE) return null;
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return []; // gone: no children to find
  }
  const children: number[] = [];
  for (const tid of tasks) {
    try {
      for (const word of readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ')) {
        if (word !== '') children.push(Number(word));
      }
    } catch {
      // that thread ended meanwhile: its children were reported by the others or reparented
    }
  }
  return children;
}
