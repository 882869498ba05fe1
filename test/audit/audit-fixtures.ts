// Shared by the audit tests: a fake clock, a temp audit path, entries, and an openFile seam that
// counts (and can hold) the writer's writes and fdatasyncs on a real file.
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditFile } from '../../src/audit/audit-log.js';
import type { AuditEntry } from '../../src/audit/audit-record.js';
import type { AuditConfig } from '../../src/config/types.js';
import type { Clock } from '../../src/shared/clock.js';

export interface FakeClock extends Clock {
  advance(ms: number): void;
  set(iso: string): void;
}

export function createFakeClock(iso: string): FakeClock {
  let t = Date.parse(iso);
  const timers = new Set<{ at: number; fn: () => void }>();
  const fire = (): void => {
    for (const timer of [...timers]) {
      if (timer.at <= t) {
        timers.delete(timer);
        timer.fn();
      }
    }
  };
  return {
    now: () => t,
    setTimeout(fn, ms) {
      const timer = { at: t + ms, fn };
      timers.add(timer);
      return { cancel: () => timers.delete(timer) };
    },
    advance(ms) {
      t += ms;
      fire();
    },
    set(next) {
      t = Date.parse(next);
      fire();
    },
  };
}

export interface TempAudit {
  readonly dir: string;
  readonly path: string;
  config(overrides?: Partial<AuditConfig>): AuditConfig;
  lines(file?: string): Promise<string[]>;
  remove(): Promise<void>;
}

export async function makeTempAudit(): Promise<TempAudit> {
  const dir = await mkdtemp(join(tmpdir(), 'swapgate-audit-'));
  const path = join(dir, 'logs', 'swapgate-audit.jsonl');
  return {
    dir,
    path,
    config: (overrides = {}) => ({ path, immutable: true, retentionDays: 0, logAllAccess: true, flushIntervalMs: 0, fsync: false, ...overrides }),
    lines: async (file = path) => (await readFile(file, 'utf8')).split('\n').filter((l) => l !== ''),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

export const entry = (n: number | string, extra: Partial<AuditEntry> = {}): AuditEntry => ({
  requestId: `req-${n}`, keyName: 'alice', clientIp: '127.0.0.1', model: 'llama-8b', route: '/v1/chat/completions',
  method: 'POST', status: 200, durationMs: 12, tokens: { prompt: 3, completion: 5 }, cache: 'miss', ...extra,
});

export interface FileSpy {
  writes: number;
  syncs: number;
  /** While set, each write waits for it before reaching the file. */
  hold: Promise<void> | null;
  /** While set, each write rejects with it (nothing reaches the file). */
  fail: Error | null;
  openFile(path: string): Promise<AuditFile>;
}

export function createFileSpy(): FileSpy {
  const spy: FileSpy = {
    writes: 0,
    syncs: 0,
    hold: null,
    fail: null,
    async openFile(path) {
      const handle = await open(path, 'a');
      return {
        async write(buffer, offset) {
          spy.writes += 1;
          if (spy.hold !== null) await spy.hold;
          if (spy.fail !== null) throw spy.fail;
          return handle.write(buffer, offset);
        },
        datasync() {
          spy.syncs += 1;
          return handle.datasync();
        },
        close: () => handle.close(),
      };
    },
  };
  return spy;
}

/** Resolves after the current event-loop turn's setImmediate callbacks ran. */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
