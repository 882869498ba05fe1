// Remembers, in a small JSON file, every process group a daemon started and has not yet seen
// exit, with the daemon that owns it. If that daemon dies without stopping them (SIGKILL,
// crash), the next boot reaps what is left: this is what makes "no orphans" hold across crashes.
// Daemons may share the file (same --listen text, e.g. port 0), so each entry names its owner
// and only the entries of dead owners are reaped.
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from '../shared/logger.js';
import { logReapReport } from './log-reap-report.js';
import { parseOrphanEntries } from './parse-orphan-entries.js';
import { getErrnoCode } from './process-errors.js';
import { getStartTicks } from './process-liveness.js';
import {
  isOwnedBy,
  isOwnerAlive,
  reapEntries,
  type OrphanEntry,
  type ProcessIdentity,
  type ReapOptions,
  type ReapReport,
} from './reap-orphans.js';
import { withFileLock } from './with-file-lock.js';

export type { OrphanEntry, ReapOptions, ReapReport };

/** What a daemon records about one run; the registry adds who owns it. */
export type RunRecord = Omit<OrphanEntry, 'ownerPid' | 'ownerStartTicks'>;

export interface OrphanRegistryOptions {
  /** The daemon that owns what this registry adds. Default: this process. */
  readonly ownerPid?: number;
  /** When given, reapOrphans logs its report. */
  readonly logger?: Logger;
}

/** `<stateDir>/swapgate-<hash of name>.json`; name is e.g. the listen address. */
export function getOrphanStatePath(stateDir: string, name: string): string {
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 12);
  return join(stateDir, `swapgate-${hash}.json`);
}

export class OrphanRegistry {
  readonly owner: ProcessIdentity;
  private readonly logger: Logger | null;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly filePath: string,
    options: OrphanRegistryOptions = {},
  ) {
    // Reading our own pid is not reading the environment; it names the owner, as start ticks do.
    const pid = options.ownerPid ?? process.pid;
    this.owner = { pid, startTicks: getStartTicks(pid) };
    this.logger = options.logger ?? null;
  }

  add(record: RunRecord): Promise<void> {
    const entry: OrphanEntry = { ...record, ownerPid: this.owner.pid, ownerStartTicks: this.owner.startTicks };
    return this.update((entries) => void entries.set(entry.pid, entry));
  }

  remove(pid: number): Promise<void> {
    return this.update((entries) => {
      const entry = entries.get(pid);
      return entry !== undefined && isOwnedBy(entry, this.owner) && entries.delete(pid);
    });
  }

  /** Resolves once every write asked for so far is done (failed ones included). */
  settled(): Promise<void> {
    return this.queue;
  }

  /** Every entry in the file, of any owner, once this registry's pending writes are done. */
  async list(): Promise<OrphanEntry[]> {
    await this.queue;
    return [...(await this.read()).values()];
  }

  /**
   * Kills the groups recorded by daemons that are gone and are still alive and still theirs;
   * forgets them. Entries of live daemons (this one included) stay.
   */
  async reapOrphans(options: ReapOptions = {}): Promise<ReapReport> {
    const claimed: OrphanEntry[] = [];
    const kept: OrphanEntry[] = [];
    // Claimed under the lock: a daemon booting at the same time then sees them as ours and leaves them.
    await this.update((entries) => {
      for (const entry of entries.values()) {
        if (isOwnedBy(entry, this.owner)) continue;
        if (isOwnerAlive(entry)) kept.push(entry);
        else {
          claimed.push(entry);
          entries.set(entry.pid, { ...entry, ownerPid: this.owner.pid, ownerStartTicks: this.owner.startTicks });
        }
      }
      return claimed.length > 0;
    });
    const report: ReapReport = { ...(await reapEntries(claimed, options)), kept };
    // Survivors stay on record (now as ours), so the boot after this daemon tries again.
    const settled = [...report.reaped, ...report.skipped.map((skip) => skip.entry)];
    if (settled.length > 0) {
      await this.update((entries) => {
        for (const entry of settled) {
          const current = entries.get(entry.pid);
          if (current !== undefined && isOwnedBy(current, this.owner) && isSameRun(current, entry)) entries.delete(entry.pid);
        }
      });
    }
    if (this.logger !== null) logReapReport(this.logger, report);
    return report;
  }

  // Read-modify-write, one at a time in this registry and under a file lock across daemons, so
  // nobody's entries are lost; `mutate` returns false when there is nothing to write.
  private update(mutate: (entries: Map<number, OrphanEntry>) => boolean | void): Promise<void> {
    const next = this.queue.then(async () => {
      await mkdir(dirname(this.filePath), { recursive: true });
      await withFileLock(this.filePath, async () => {
        const entries = await this.read();
        if (mutate(entries) !== false) await this.write(entries);
      });
    });
    // The queue must survive a failed write; the caller still sees the error through `next`.
    this.queue = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }

  private async read(): Promise<Map<number, OrphanEntry>> {
    let text = '';
    try {
      text = await readFile(this.filePath, 'utf8');
    } catch (error) {
      if (getErrnoCode(error) !== 'ENOENT') throw error;
    }
    return new Map(parseOrphanEntries(text).map((entry) => [entry.pid, entry]));
  }

  // Atomic (temp + rename): a reader never sees half a file, even if this daemon dies mid-write.
  private async write(entries: Map<number, OrphanEntry>): Promise<void> {
    const temp = `${this.filePath}.${randomUUID()}.tmp`;
    await writeFile(temp, `${JSON.stringify({ entries: [...entries.values()] }, null, 2)}\n`);
    await rename(temp, this.filePath);
  }
}

function isSameRun(a: OrphanEntry, b: OrphanEntry): boolean {
  return a.pid === b.pid && a.pgid === b.pgid && a.startTicks === b.startTicks && a.startedAt === b.startedAt;
}
