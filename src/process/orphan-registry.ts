// Remembers, in the per-user state directory, every upstream run this daemon started and has not
// yet seen gone, and what names its processes. Each daemon writes its own file (named after its
// pid and start time, which the file also holds), whatever its --listen and config. If a daemon
// dies without stopping its runs (SIGKILL, crash), the next daemon to boot, with any --listen,
// reaps what is left: this is what makes "no orphans" hold across crashes. Files of live daemons
// are left alone.
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../shared/logger.js';
import { logReapReport } from './log-reap-report.js';
import { getErrnoCode } from './process-errors.js';
import { getStartTicks } from './process-liveness.js';
import { readBootId } from './read-proc-identity.js';
import { isOwnerAlive, reapEntries, type OrphanEntry, type ReapOptions, type ReapReport } from './reap-orphans.js';
import type { RunIdentity } from './run-identity.js';
import { formatStateFile, parseStateFile, type DaemonIdentity, type StateFile } from './state-file.js';
import { withFileLock } from './with-file-lock.js';

export type { OrphanEntry, ReapOptions, ReapReport };

/** What a daemon records about one run; the registry adds who owns it and the boot. */
export type RunRecord = Omit<OrphanEntry, 'ownerPid' | 'ownerStartTicks' | 'bootId'>;

export interface OrphanRegistryOptions {
  /** The daemon that owns what this registry adds. Default: this process. */
  readonly ownerPid?: number;
  /** When given, reapOrphans logs its report. */
  readonly logger?: Logger;
}

const STATE_FILE = /^swapgate-.*\.json$/;
/** A temp or lock file this old was left by a writer that died. */
const LEFTOVER_FILE_MS = 60_000;

export class OrphanRegistry {
  readonly owner: DaemonIdentity;
  /** This daemon's own file: written while it has runs, removed when it has none. */
  readonly filePath: string;
  private readonly logger: Logger | null;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly stateDir: string,
    options: OrphanRegistryOptions = {},
  ) {
    // Reading our own pid is not reading the environment; it names the owner, as start ticks do.
    const pid = options.ownerPid ?? process.pid;
    this.owner = { pid, startTicks: getStartTicks(pid), bootId: readBootId() };
    // Without /proc (no start time) the time of day keeps a reused pid from naming the same file.
    this.filePath = join(stateDir, `swapgate-${pid}-${this.owner.startTicks ?? `t${Date.now()}`}.json`);
    this.logger = options.logger ?? null;
  }

  add(record: RunRecord): Promise<void> {
    const entry = this.own(record);
    return this.update((entries) => void entries.set(keyOf(entry), entry));
  }

  /** Records what was learnt about a run's processes since (command lines, descendants). */
  record(identity: RunIdentity): Promise<void> {
    return this.update((entries) => {
      const entry = entries.get(keyOf(identity));
      if (entry === undefined) return false; // already removed: the run is over
      entries.set(keyOf(identity), { ...entry, cmdlines: identity.cmdlines, descendants: identity.descendants });
    });
  }

  remove(pid: number, startTicks: number | null): Promise<void> {
    return this.update((entries) => entries.delete(keyOf({ pid, startTicks })));
  }

  /** Resolves once every write asked for so far is done (failed ones included). */
  settled(): Promise<void> {
    return this.queue;
  }

  /** This daemon's entries, once its pending writes are done. */
  async list(): Promise<OrphanEntry[]> {
    await this.queue;
    return (await readState(this.filePath)).entries;
  }

  /**
   * Reaps the runs recorded by every daemon that is gone: moves their entries into this
   * daemon's file (so a daemon booting at the same time leaves them, and a crash now loses
   * none), ends what is left of them, and forgets what is gone. Files of live daemons stay.
   */
  async reapOrphans(options: ReapOptions = {}): Promise<ReapReport> {
    const { claimed, kept } = await this.claimOrphans();
    const report: ReapReport = { ...(await reapEntries(claimed, options)), kept };
    // Survivors stay on record (now as ours), so the boot after this daemon tries again.
    const settled = [...report.reaped, ...report.skipped.map((skip) => skip.entry)];
    if (settled.length > 0) await this.update((entries) => settled.forEach((entry) => entries.delete(keyOf(entry))));
    if (this.logger !== null) logReapReport(this.logger, report);
    return report;
  }

  private own(record: RunRecord): OrphanEntry {
    return { ...record, ownerPid: this.owner.pid, ownerStartTicks: this.owner.startTicks, bootId: this.owner.bootId };
  }

  private async claimOrphans(): Promise<{ claimed: OrphanEntry[]; kept: OrphanEntry[] }> {
    const claimed: OrphanEntry[] = [];
    const kept: OrphanEntry[] = [];
    for (const path of await this.listOtherFiles()) {
      // Read without the lock first: most files belong to live daemons, which stay untouched.
      const { daemon, entries } = await readState(path);
      const ownerGone = daemon !== null && !isOwnerAlive({ ownerPid: daemon.pid, ownerStartTicks: daemon.startTicks });
      if (!ownerGone && entries.every(isOwnerAlive)) {
        kept.push(...entries);
        continue;
      }
      await withFileLock(path, async () => {
        const current = await readState(path);
        const theirs = current.entries.filter(isOwnerAlive);
        const orphans = current.entries.filter((entry) => !isOwnerAlive(entry));
        kept.push(...theirs);
        claimed.push(...orphans);
        // Into our file first, then out of theirs: a crash in between leaves them on record twice,
        // never nowhere. Records of another boot are reported and forgotten, never moved.
        const sameBoot = orphans.filter((entry) => entry.bootId === null || entry.bootId === this.owner.bootId);
        if (sameBoot.length > 0) await this.update((ours) => sameBoot.forEach((entry) => ours.set(keyOf(entry), this.own(entry))));
        if (theirs.length === 0) await rm(path, { force: true });
        else if (orphans.length > 0 && current.daemon === null) await writeAtomically(path, legacyText(theirs)); // an older version's shared file
      });
    }
    return { claimed, kept };
  }

  // The state files of other daemons; leftovers of writers that died are removed on the way.
  private async listOtherFiles(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.stateDir);
    } catch (error) {
      if (getErrnoCode(error) === 'ENOENT') return [];
      throw error;
    }
    const files: string[] = [];
    for (const name of names) {
      const path = join(this.stateDir, name);
      if (STATE_FILE.test(name) && path !== this.filePath) files.push(path);
      else if (/^swapgate-.*\.(tmp|lock)$/.test(name)) await removeIfOld(path);
    }
    return files;
  }

  // Read-modify-write, one at a time in this registry and under a file lock across processes;
  // `mutate` returns false when there is nothing to write. An empty file is removed.
  private update(mutate: (entries: Map<string, OrphanEntry>) => boolean | void): Promise<void> {
    const next = this.queue.then(async () => {
      await mkdir(this.stateDir, { recursive: true, mode: 0o700 });
      await withFileLock(this.filePath, async () => {
        const entries = new Map((await readState(this.filePath)).entries.map((entry) => [keyOf(entry), entry]));
        if (mutate(entries) === false) return;
        if (entries.size === 0) await rm(this.filePath, { force: true });
        else await writeAtomically(this.filePath, formatStateFile(this.owner, [...entries.values()]));
      });
    });
    // The queue must survive a failed write; the caller still sees the error through `next`.
    this.queue = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }
}

/** One run on one boot: a pid alone may come back as another run after the first is gone. */
function keyOf(run: { readonly pid: number; readonly startTicks: number | null }): string {
  return `${run.pid}/${run.startTicks ?? '?'}`;
}

async function readState(path: string): Promise<StateFile> {
  try {
    return parseStateFile(await readFile(path, 'utf8'));
  } catch (error) {
    if (getErrnoCode(error) === 'ENOENT') return { daemon: null, entries: [] };
    throw error;
  }
}

// Temp + rename: a reader never sees half a file, even if the writer dies mid-write.
async function writeAtomically(path: string, text: string): Promise<void> {
  const temp = `${path}.${randomUUID()}.tmp`;
  await writeFile(temp, text, { mode: 0o600 });
  await rename(temp, path);
}

function legacyText(entries: readonly OrphanEntry[]): string {
  return `${JSON.stringify({ entries }, null, 2)}\n`;
}

async function removeIfOld(path: string): Promise<void> {
  try {
    if (Date.now() - (await stat(path)).mtimeMs > LEFTOVER_FILE_MS) await rm(path, { force: true });
  } catch (error) {
    if (getErrnoCode(error) !== 'ENOENT') throw error;
  }
}
