// Errors the process layer produces on top of the shared ones.
import { SwapgateError } from '../shared/errors.js';

/** The command of a model could not be run at all (missing binary, not executable ...). */
export function spawnFailedError(modelId: string, argv: readonly string[], cause: unknown): SwapgateError {
  const command = argv[0] ?? '';
  const errno = getErrnoCode(cause);
  const why =
    errno === 'ENOENT'
      ? 'command not found'
      : errno === 'EACCES'
        ? 'permission denied (is it executable?)'
        : `spawn failed (${errno ?? String(cause)})`;
  return new SwapgateError('upstream_start_failed', `model "${modelId}": cannot run "${command}": ${why}`, {
    status: 502,
    type: 'upstream_error',
    cause,
    details: { model: modelId, command, errno: errno ?? null, exit_code: null, signal: null, timed_out: false },
  });
}

export function getErrnoCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const { code } = error;
  return typeof code === 'string' ? code : undefined;
}
