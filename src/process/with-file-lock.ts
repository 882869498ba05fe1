// Serializes read-modify-write of a small shared file across processes: whoever creates
// `<path>.lock` (O_EXCL, holding its pid) holds it. Daemons hold it for a read and a rename, so
// a lock whose holder is dead, or older than STALE_LOCK_MS, was left by a holder that died
// mid-update and is taken over.
import { open, readFile, rm, stat, type FileHandle } from 'node:fs/promises';
import { getErrnoCode } from './process-errors.js';
import { isPidAlive, pause } from './process-liveness.js';

const STALE_LOCK_MS = 2_000;
const MAX_RETRY_MS = 20;

export async function withFileLock<T>(path: string, update: () => Promise<T>): Promise<T> {
  const lockPath = `${path}.lock`;
  await acquireLock(lockPath);
  try {
    return await update();
  } finally {
    await rm(lockPath, { force: true });
  }
}

async function acquireLock(lockPath: string): Promise<void> {
  let retryMs = 1;
  for (;;) {
    let handle: FileHandle | undefined;
    try {
      handle = await open(lockPath, 'wx');
    } catch (error) {
      if (getErrnoCode(error) !== 'EEXIST') throw error;
    }
    if (handle !== undefined) {
      try {
        await handle.writeFile(String(process.pid));
        return;
      } catch (error) {
        await rm(lockPath, { force: true }); // not held after all: nobody must wait for it
        throw error;
      } finally {
        await handle.close();
      }
    }
    if (await isStale(lockPath)) {
      await rm(lockPath, { force: true });
      continue;
    }
    await pause(retryMs);
    retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
  }
}

async function isStale(lockPath: string): Promise<boolean> {
  try {
    const holder = Number(await readFile(lockPath, 'utf8'));
    // An empty file is a holder that has not written its pid yet: only its age can tell.
    if (Number.isSafeInteger(holder) && holder > 0 && !isPidAlive(holder)) return true;
    return Date.now() - (await stat(lockPath)).mtimeMs > STALE_LOCK_MS;
  } catch (error) {
    if (getErrnoCode(error) === 'ENOENT') return false; // released meanwhile: just try again
    throw error;
  }
}
