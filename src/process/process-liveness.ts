// Is a process (group) still there? kill(…, 0) alone says yes for zombies, and where PID 1
// does not reap (some containers/VMs) a killed grandchild stays a zombie forever, so on Linux
// /proc decides: a zombie counts as gone.
import { readdirSync, readFileSync } from 'node:fs';
import { getErrnoCode } from './process-errors.js';

interface ProcStat {
  readonly state: string;
  readonly pgrp: number;
  /** Field 22: when the process started, in clock ticks since boot; exec does not change it. */
  readonly startTicks: number;
}

const HAS_PROC = readProcStat(process.pid) !== null;

// "pid (comm) S ppid pgrp ..."; comm may hold spaces and parentheses, so parse after the last ')'.
function readProcStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null; // no such process, or no /proc on this system: the caller decides what that means
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', pgrp: Number(fields[2]), startTicks: Number(fields[19]) };
}

function isDeadState(state: string): boolean {
  return state === 'Z' || state === 'X' || state === 'x';
}

/**
 * The start time of a live process (clock ticks since boot), or null when it is gone or there is
 * no /proc. With the pid it names one process for good: a reused pid has a later start time.
 */
export function getStartTicks(pid: number): number | null {
  const stat = readProcStat(pid);
  return stat === null || isDeadState(stat.state) || !Number.isSafeInteger(stat.startTicks) ? null : stat.startTicks;
}

/** Sends `signal` (0 = probe) to pid or, when negative, to the group -pid. False when none exists. */
export function sendSignal(target: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(target, signal);
    return true;
  } catch (error) {
    if (getErrnoCode(error) === 'ESRCH') return false;
    if (getErrnoCode(error) === 'EPERM') return true; // exists, but belongs to someone else
    throw error;
  }
}

export function isPidAlive(pid: number): boolean {
  if (!sendSignal(pid, 0)) return false;
  if (!HAS_PROC) return true;
  const stat = readProcStat(pid);
  return stat !== null && !isDeadState(stat.state);
}

export function isGroupAlive(pgid: number): boolean {
  if (!sendSignal(-pgid, 0)) return false;
  if (!HAS_PROC) return true;
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    const stat = readProcStat(pid);
    if (stat !== null && stat.pgrp === pgid && !isDeadState(stat.state)) return true;
  }
  return false;
}

/** Signals a whole process group; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  return sendSignal(-pgid, signal);
}

/**
 * Polls `isGone` with a growing interval (1 ms ×2, at most 100 ms) until it holds, the
 * timeout passes or the signal aborts. Returns whether it held. The first steps are short
 * because a stop waits here for the last processes of a group, which usually go within a ms.
 */
export async function waitUntil(isGone: () => boolean, options: { timeoutMs: number; signal?: AbortSignal }): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs;
  let intervalMs = 1;
  for (;;) {
    if (isGone()) return true;
    const remainingMs = deadline - Date.now();
    if (remainingMs <= 0 || options.signal?.aborted === true) return false;
    await pause(Math.min(intervalMs, remainingMs), options.signal);
    intervalMs = Math.min(intervalMs * 2, 100);
  }
}

// Like delay(), but an abort just ends the pause early instead of rejecting.
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
