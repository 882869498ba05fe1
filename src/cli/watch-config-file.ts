// Calls onChange when the config's content changes, however it was saved: the config file, and
// with --config-dir the directory's *.yml/*.yaml files (one added, removed, renamed or edited).
// Watching a file itself dies with its inode (an editor's write-rename, `sed -i`, delete +
// recreate), so this watches DIRECTORIES: the one holding the path, the one holding the file it
// resolves to through symlinks (ConfigMap style: config.yaml -> ..data/config.yaml with ..data
// swapped; re-resolved after every change), and the config dir (any event in it). Events are
// debounced, then the content is hashed: a save or touch that leaves it as it was does not
// reload. A config dir that is gone (or a file between its delete and re-create) waits quietly
// for the next event, as llama-swap's DirWatcher does.
import { createHash, type Hash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readFile, readlink, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute } from 'node:path';
import type { Logger } from '../shared/logger.js';
import { listConfigDir } from './list-config-dir.js';

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

/** The config file and/or the config dir (absolute paths). */
export interface WatchedConfig {
  readonly file: string | null;
  readonly dir: string | null;
}

/** In a target's names: any event in that directory counts (the config dir). */
const ANY_NAME = '*';

/** Adds one file's bytes; false when it cannot be read (between a delete and its re-create: the re-create is another event). */
async function addFile(hash: Hash, path: string): Promise<boolean> {
  try {
    hash.update(path).update('\0').update(await readFile(path)).update('\0');
    return true;
  } catch {
    return false;
  }
}

/** One hash over the file and every file of the dir (names too: a rename changes the merge order); null while unreadable. */
async function hashConfig(config: WatchedConfig): Promise<string | null> {
  const hash = createHash('sha256');
  if (config.file !== null && !(await addFile(hash, config.file))) return null;
  if (config.dir !== null) {
    const listed = await listConfigDir(config.dir);
    if (!listed.ok) return null;
    for (const file of listed.files) if (!(await addFile(hash, file))) return null;
  }
  return hash.digest('hex');
}

/** Directory → names in it whose change may change the config's content. */
async function getWatchTargets(config: WatchedConfig): Promise<Map<string, Set<string>>> {
  const targets = new Map<string, Set<string>>();
  const add = (file: string, name = basename(file)): void => {
    const names = targets.get(dirname(file)) ?? new Set<string>();
    targets.set(dirname(file), names.add(name));
  };
  const path = config.file;
  if (path !== null) {
    add(path);
    // config.yaml -> ..data/config.yaml: a swap of ..data shows as a rename of ..data.
    const link = await readlink(path).catch(() => null);
    const first = link === null || isAbsolute(link) ? null : link.split('/').find((part) => part !== '.' && part !== '');
    if (first !== undefined && first !== null) add(path, first);
    const real = await realpath(path).catch(() => null);
    if (real !== null && real !== path) add(real);
  }
  if (config.dir !== null) {
    targets.set(config.dir, (targets.get(config.dir) ?? new Set<string>()).add(ANY_NAME));
    // A dir file that is a symlink to a file elsewhere: that file's directory too.
    const listed = await listConfigDir(config.dir);
    for (const file of listed.ok ? listed.files : []) {
      const real = await realpath(file).catch(() => null);
      if (real !== null && dirname(real) !== config.dir) add(real);
    }
  }
  return targets;
}

export function watchConfigFile(path: string, options: WatchOptions): Promise<ConfigWatcher> {
  return watchConfig({ file: path, dir: null }, options);
}

export async function watchConfig(config: WatchedConfig, options: WatchOptions): Promise<ConfigWatcher> {
  const { logger } = options;
  const watchers = new Map<string, { watcher: FSWatcher; names: Set<string> }>();
  const path = config.file ?? config.dir ?? '';
  let lastHash = await hashConfig(config);
  let timer: NodeJS.Timeout | null = null;
  let firstEventAt = 0;
  let closed = false;

  const check = async (): Promise<void> => {
    timer = null;
    const hash = await hashConfig(config);
    await updateWatches();
    if (closed || hash === null) return;
    if (hash === lastHash) return logger.debug({ config: path }, 'config watch: content unchanged, no reload');
    lastHash = hash;
    options.onChange();
  };
  const onEvent = (names: Set<string>, name: string | null): void => {
    if (closed || (name !== null && !names.has(name) && !names.has(ANY_NAME))) return;
    const now = Date.now();
    if (timer === null) firstEventAt = now;
    else clearTimeout(timer);
    const waitMs = Math.min(options.debounceMs, Math.max(0, firstEventAt + options.maxWaitMs - now));
    timer = setTimeout(() => void check(), waitMs);
  };
  const updateWatches = async (): Promise<void> => {
    const targets = await getWatchTargets(config);
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
  logger.info({ config: path, ...(config.dir === null ? {} : { configDir: config.dir }), dirs: [...watchers.keys()] }, 'watching the config for changes');
  return {
    close() {
      closed = true;
      if (timer !== null) clearTimeout(timer);
      for (const { watcher } of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}
