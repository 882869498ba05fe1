// Is a process (group) still there? kill(…, 0) alone says yes for zombies, and where PID 1
// does not reap (some containers/VMs) a killed grandchild stays a zombie forever, so on Linux
// /proc decides: a zombie counts as gone.
import { getErrnoCode } from './process-errors.js';
import { HAS_PROC, isDeadState, readProcessTable, readProcStat } from './read-proc-stat.js';

/**
 * The start time of a live process (clock ticks since boot), or null when it is gone or there is
 * no /proc. With the pid it names one process for good: a reused pid has a later start time.
 */
export function getStartTicks(pid: number): number | null {
  const stat = readProcStat(pid);
  return stat === null || isDeadState(stat.state) ? null : stat.startTicks;
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
  const table = readProcessTable();
  if (table === null) return true;
  return table.some((stat) => stat.pgrp === pgid && !isDeadState(stat.state));
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
