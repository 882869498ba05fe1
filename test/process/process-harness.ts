// Builds ModelProcess instances for tests with their own port set and log hub, records their
// state events, and guarantees no upstream outlives a test.
import { readFileSync } from 'node:fs';
import type { ModelConfig } from '../../src/config/types.js';
import { createModelProcess, type ModelProcessDeps } from '../../src/process/model-process.js';
import { PortReservations } from '../../src/process/port-reservations.js';
import type { ModelProcess, ProcessState, StateChange } from '../../src/process/types.js';
import { LogHub } from '../../src/shared/log-hub.js';
import { silentLogger } from '../../src/shared/logger.js';
import { makeModel } from '../helpers/model-config.js';
import { randomStartPort } from '../helpers/random-start-port.js';
import { waitFor } from '../helpers/wait-for.js';

export interface Recorded {
  readonly proc: ModelProcess;
  readonly changes: StateChange[];
  readonly lines: string[];
  /** "stopped→starting" style, in order. */
  transitions(): string[];
  /** The first change to `state` among changes[since…] (default: all of them). */
  waitForState(state: ProcessState, options?: { since?: number; timeoutMs?: number }): Promise<StateChange>;
  waitForLine(re: RegExp, timeoutMs?: number): Promise<string>;
}

export interface Harness {
  readonly hub: LogHub;
  readonly ports: PortReservations;
  readonly startPort: number;
  create(model: ModelConfig, deps?: Partial<ModelProcessDeps>): Recorded;
  model(id: string, overrides?: Partial<ModelConfig>): ModelConfig;
  /** SIGKILLs everything that is still running (for afterEach). */
  cleanup(): Promise<void>;
}

export function createHarness(): Harness {
  const hub = new LogHub();
  const ports = new PortReservations();
  const startPort = randomStartPort();
  const made: ModelProcess[] = [];
  return {
    hub,
    ports,
    startPort,
    model: (id, overrides) => makeModel(id, overrides),
    create(model, deps = {}) {
      const proc = createModelProcess(model, { logger: silentLogger(), hub, startPort, ports, ...deps });
      made.push(proc);
      return recordProcess(proc);
    },
    async cleanup() {
      await Promise.all(made.splice(0).map((proc) => proc.shutdown({ force: true })));
    },
  };
}

function recordProcess(proc: ModelProcess): Recorded {
  const changes: StateChange[] = [];
  const lines: string[] = [];
  proc.on('state', (change) => changes.push(change));
  proc.on('log', (line) => lines.push(line));
  return {
    proc,
    changes,
    lines,
    transitions: () => changes.map((c) => `${c.from}→${c.to}`),
    waitForState: (state, { since = 0, timeoutMs = 10_000 } = {}) =>
      waitFor(() => changes.slice(since).find((c) => c.to === state), { timeoutMs, what: `state ${state}` }),
    waitForLine: (re, timeoutMs = 10_000) => waitFor(() => lines.find((l) => re.test(l)), { timeoutMs, what: `a line matching ${re}` }),
  };
}

/** Gone = no such pid, or a zombie nobody reaps (PID 1 in some sandboxes does not reap). */
export function isProcessGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true; // ESRCH: gone, which is what the caller asks about
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true; // vanished between the two checks
  }
}

export function killIfAlive(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone: nothing to clean up
  }
}
