// Remembers, in a small JSON file, every process group this daemon started and has not yet
// seen exit. If the daemon dies without stopping them (SIGKILL, crash), the next boot reads
// the file and reaps what is left: this is what makes "no orphans" hold across crashes.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { getErrnoCode } from './process-errors.js';
import { reapEntries, type OrphanEntry, type ReapOptions, type ReapReport } from './reap-orphans.js';

export type { OrphanEntry, ReapOptions, ReapReport };

/** `<stateDir>/swapgate-<hash of name>.json`; name is e.g. the listen address. */
export function getOrphanStatePath(stateDir: string, name: string): string {
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 12);
  return join(stateDir, `swapgate-${hash}.json`);
}

export class OrphanRegistry {
  private entries: Map<number, OrphanEntry> | null = null;
  /** pids this instance added: never reaped by it, they are live runs of this daemon. */
  private readonly own = new Set<number>();
  private queue: Promise<void> = Promise.resolve();

  constructor(readonly filePath: string) {}

  add(entry: OrphanEntry): Promise<void> {
    this.own.add(entry.pid);
    return this.update((entries) => entries.set(entry.pid, entry));
  }

  remove(pid: number): Promise<void> {
    this.own.delete(pid);
    return this.update((entries) => entries.delete(pid));
  }

  async list(): Promise<OrphanEntry[]> {
    await this.queue;
    return [...(await this.load()).values()];
  }

  /** Kills the groups recorded by a previous run that are still alive and still ours; clears them. */
  async reapOrphans(options: ReapOptions = {}): Promise<ReapReport> {
    const candidates = (await this.list()).filter((entry) => !this.own.has(entry.pid));
    const report = await reapEntries(candidates, options);
    await this.update((entries) => {
      for (const entry of candidates) entries.delete(entry.pid);
    });
    return report;
  }

  // Mutations run one at a time; each rewrites the whole file atomically (temp + rename).
  private update(mutate: (entries: Map<number, OrphanEntry>) => void): Promise<void> {
    const next = this.queue.then(async () => {
      const entries = await this.load();
      mutate(entries);
      await this.save(entries);
    });
    // The queue must survive a failed write; the caller still sees the error through `next`.
    this.queue = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }

  private async load(): Promise<Map<number, OrphanEntry>> {
    if (this.entries !== null) return this.entries;
    let text = '';
    try {
      text = await readFile(this.filePath, 'utf8');
    } catch (error) {
      if (getErrnoCode(error) !== 'ENOENT') throw error;
    }
    this.entries = new Map(parseEntries(text).map((entry) => [entry.pid, entry]));
    return this.entries;
  }

  private async save(entries: Map<number, OrphanEntry>): Promise<void> {
    await mkdir(dirname(this.filePath), { recursive: true });
    const temp = `${this.filePath}.${process.pid}.tmp`;
    await writeFile(temp, `${JSON.stringify({ entries: [...entries.values()] }, null, 2)}\n`);
    await rename(temp, this.filePath);
  }
}

// A damaged file must not stop the daemon from booting: unreadable entries are skipped.
function parseEntries(text: string): OrphanEntry[] {
  if (text.trim() === '') return [];
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return []; // not JSON (e.g. truncated by a crash mid-write of an older version): nothing to reap
  }
  if (typeof data !== 'object' || data === null || !('entries' in data) || !Array.isArray(data.entries)) return [];
  return data.entries.filter(isOrphanEntry);
}

function isOrphanEntry(value: unknown): value is OrphanEntry {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    Number.isInteger(v.pid) &&
    Number.isInteger(v.pgid) &&
    (v.pid as number) > 1 &&
    (v.pgid as number) > 1 &&
    typeof v.modelId === 'string' &&
    Array.isArray(v.argv) &&
    v.argv.every((arg) => typeof arg === 'string') &&
    typeof v.startedAt === 'number'
  );
}
