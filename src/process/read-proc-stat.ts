// What Linux says about processes in /proc/<pid>/stat: state, parent, group, session and start
// time. Everything that walks process trees reads it here. Without /proc (macOS, BSD) every
// reader returns null and callers fall back to process groups and `ps` (tree-kill).
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcStat {
  readonly pid: number;
  /** R, S, D, Z (zombie), X (dead), ... */
  readonly state: string;
  readonly ppid: number;
  readonly pgrp: number;
  readonly session: number;
  /** Field 22: when the process started, in clock ticks since boot; exec does not change it. */
  readonly startTicks: number;
}

// "pid (comm) S ppid pgrp session ..."; comm may hold spaces and parentheses, so parse after the last ')'.
export function readProcStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null; // no such process, or no /proc on this system: the caller decides what that means
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const stat = {
    pid,
    state: fields[0] ?? '',
    ppid: Number(fields[1]),
    pgrp: Number(fields[2]),
    session: Number(fields[3]),
    startTicks: Number(fields[19]),
  };
  return Number.isSafeInteger(stat.startTicks) ? stat : null;
}

export const HAS_PROC = readProcStat(process.pid) !== null;

/** A zombie (or a process being torn down) has exited; only its pid is still held. */
export function isDeadState(state: string): boolean {
  return state === 'Z' || state === 'X' || state === 'x';
}

/** Every process now (zombies included), or null when there is no /proc. */
export function readProcessTable(): ProcStat[] | null {
  if (!HAS_PROC) return null;
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return null; // /proc went away (unmounted in a sandbox): the same as never having it
  }
  const table: ProcStat[] = [];
  for (const name of names) {
    const pid = Number(name);
    if (!Number.isSafeInteger(pid) || pid <= 0) continue;
    const stat = readProcStat(pid);
    if (stat !== null) table.push(stat); // null: exited while we were looking
  }
  return table;
}
