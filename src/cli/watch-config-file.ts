// Calls onChange when the config file's content changes, however it was saved. Watching the
// file itself dies with its inode (an editor's write-rename, `sed -i`, delete + recreate), so
// this watches DIRECTORIES: the one holding the path, and the one holding the file it resolves
// to through symlinks (ConfigMap style: config.yaml -> ..data/config.yaml with ..data swapped;
// re-resolved after every change). Events are debounced, then the content is hashed: a save or
// touch that leaves it as it was does not reload.
import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readFile, readlink, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute } from 'node:path';
import type { Logger } from '../shared/logger.js';

export interface ConfigWatcher {
  close(): void;
}

export interface WatchOptions {
  readonly logger: Logger;
  /** Quiet time after the last event before the file is read. */
  readonly debounceMs: number;
  /** The longest a stream of events (a busy directory) may put the read off. */
  readonly maxWaitMs: number;
  readonly onChange: () => void;
}

async function hashFile(path: string): Promise<string | null> {
  try {
    return createHash('sha256').update(await readFile(path)).digest('hex');
  } catch {
    return null; // between a delete and its re-create: the re-create is another event
  }
}

/** Directory → names in it whose change may change the config's content. */
async function getWatchTargets(path: string): Promise<Map<string, Set<string>>> {
  const targets = new Map<string, Set<string>>();
  const add = (file: string, name = basename(file)): void => {
    const names = targets.get(dirname(file)) ?? new Set<string>();
    targets.set(dirname(file), names.add(name));
  };
  add(path);
  // config.yaml -> ..data/config.yaml: a swap of ..data shows as a rename of ..data.
  const link = await readlink(path).catch(() => null);
  const first = link === null || isAbsolute(link) ? null : link.split('/').find((part) => part !== '.' && part !== '');
  if (first !== undefined && first !== null) add(path, first);
  const real = await realpath(path).catch(() => null);
  if (real !== null && real !== path) add(real);
  return targets;
}

export async function watchConfigFile(path: string, options: WatchOptions): Promise<ConfigWatcher> {
  const { logger } = options;
  const watchers = new Map<string, { watcher: FSWatcher; names: Set<string> }>();
  let lastHash = await hashFile(path);
  let timer: NodeJS.Timeout | null = null;
  let firstEventAt = 0;
  let closed = false;

  const check = async (): Promise<void> => {
    timer = null;
    const hash = await hashFile(path);
    await updateWatches();
    if (closed || hash === null) return;
    if (hash === lastHash) return logger.debug({ config: path }, 'config watch: content unchanged, no reload');
    lastHash = hash;
    options.onChange();
  };
  const onEvent = (names: Set<string>, name: string | null): void => {
    if (closed || (name !== null && !names.has(name))) return;
    const now = Date.now();
    if (timer === null) firstEventAt = now;
    else clearTimeout(timer);
    const waitMs = Math.min(options.debounceMs, Math.max(0, firstEventAt + options.maxWaitMs - now));
    timer = setTimeout(() => void check(), waitMs);
  };
  const updateWatches = async (): Promise<void> => {
    const targets = await getWatchTargets(path);
    if (closed) return;
    for (const [dir, entry] of watchers) {
      if (targets.has(dir)) continue;
      entry.watcher.close();
      watchers.delete(dir);
    }
    for (const [dir, names] of targets) {
      const known = watchers.get(dir);
      if (known !== undefined) {
        known.names.clear();
        for (const name of names) known.names.add(name);
        continue;
      }
      try {
        const watcher = watch(dir, { persistent: false }, (_event, name) => onEvent(names, name === null ? null : String(name)));
        watcher.on('error', (error) => {
          logger.warn({ err: error, dir }, 'config watch: watching a directory failed');
          watcher.close();
          watchers.delete(dir);
        });
        watchers.set(dir, { watcher, names });
      } catch (error) {
        logger.warn({ err: error, dir }, 'config watch: cannot watch directory');
      }
    }
  };

  await updateWatches();
  logger.info({ config: path, dirs: [...watchers.keys()] }, 'watching the config for changes');
  return {
    close() {
      closed = true;
      if (timer !== null) clearTimeout(timer);
      for (const { watcher } of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}
