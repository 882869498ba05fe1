// The setsid wrapper fixture (test/fixtures/setsid-wrapper.mjs) as a model, and what tests read
// about real process trees from /proc: a process's parent, and every descendant of a root.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SETSID_WRAPPER = fileURLToPath(new URL('../fixtures/setsid-wrapper.mjs', import.meta.url));

/** argv of the wrapper running the fake upstream on ${PORT}; `--helper-exits` orphans the escapee at once. */
export function wrapperCmd(options: { helperExits?: boolean } = {}, ...fakeFlags: string[]): string[] {
  return [process.execPath, SETSID_WRAPPER, ...(options.helperExits === true ? ['--helper-exits'] : []), '--port', '${PORT}', ...fakeFlags];
}

/** The pid reported on a "<PREFIX> <pid>" line, or NaN. */
export function readPidLine(lines: readonly string[], prefix: string): number {
  const line = lines.find((l) => l.startsWith(`${prefix} `)) ?? '';
  return Number(line.slice(prefix.length + 1) || Number.NaN);
}

function readStatFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null; // gone: the caller asks about live processes only
  }
}

export function readPpid(pid: number): number | null {
  const fields = readStatFields(pid);
  return fields === null ? null : Number(fields[1]);
}

/** The session a process belongs to (field 6 of /proc/<pid>/stat), or null when it is gone. */
export function readSession(pid: number): number | null {
  const fields = readStatFields(pid);
  return fields === null ? null : Number(fields[3]);
}

/** root and every process below it by parent pid, now. */
export function listTree(root: number): number[] {
  const parents = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const ppid = readPpid(Number(name));
    if (ppid !== null) parents.set(Number(name), ppid);
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, ppid] of parents) if (ppid === tree[i] && !tree.includes(pid)) tree.push(pid);
  }
  return tree;
}
