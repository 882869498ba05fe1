// Where a user's daemons record the upstreams they start: one directory per user, whatever the
// --listen address or config, so any daemon of that user can reap what a dead one left.
// --state-dir, else $XDG_STATE_HOME/swapgate, else ~/.local/state/swapgate, else (no usable
// home) <os tmpdir>/swapgate-<uid>. The values come in from main.ts; nothing here reads env.
import { lstat, mkdir } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { SwapgateError } from '../shared/errors.js';

export interface StateDirInputs {
  /** --state-dir, or null. */
  readonly flag: string | null;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The daemon's user id; null where there is none (Windows). */
  readonly uid: number | null;
  /** os.tmpdir(). */
  readonly tmpDir: string;
}

/** The directories to try, best first: the flag alone, or the XDG/home one and the temp-dir one. */
export function getStateDirCandidates(inputs: StateDirInputs): string[] {
  if (inputs.flag !== null) return [inputs.flag];
  const candidates: string[] = [];
  // The XDG spec says a relative path there is invalid and must be ignored; so is a relative HOME.
  const { XDG_STATE_HOME: xdg, HOME: home } = inputs.env;
  if (xdg !== undefined && isAbsolute(xdg)) candidates.push(join(xdg, 'swapgate'));
  else if (home !== undefined && isAbsolute(home)) candidates.push(join(home, '.local', 'state', 'swapgate'));
  candidates.push(join(inputs.tmpDir, `swapgate-${inputs.uid ?? 'user'}`));
  return candidates;
}

/**
 * Creates (0700) and returns the first candidate that is a real directory of this user; a
 * shared temp dir must not let another user plant or read state files. The flag's directory
 * must work. Throws (code internal, details.state_dirs) naming each candidate and why it failed.
 */
export async function prepareStateDir(candidates: readonly string[], uid: number | null): Promise<string> {
  const problems: string[] = [];
  for (const dir of candidates) {
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const info = await lstat(dir);
      if (!info.isDirectory()) problems.push(`"${dir}": not a directory`);
      else if (uid !== null && info.uid !== uid) problems.push(`"${dir}": owned by uid ${info.uid}, not ${uid}`);
      else return dir;
    } catch (error) {
      problems.push(`"${dir}": ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  throw new SwapgateError('internal', `no usable state directory: ${problems.join('; ')}`, {
    status: 500,
    type: 'server_error',
    details: { state_dirs: problems },
  });
}
