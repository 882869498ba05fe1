// Runs a model's cmdStop (argv, never a shell) and reports how it went; its output goes to
// the model's log like the upstream's own.
import { execa } from 'execa';

export interface StopCommandResult {
  /** False when it could not run, failed or timed out: the caller falls back to signals. */
  readonly ok: boolean;
  readonly exitCode: number | null;
  readonly error: string | null;
}

export interface StopCommandOptions {
  readonly timeoutMs: number;
  readonly env: Readonly<Record<string, string>>;
  readonly extendEnv: boolean;
  readonly onLine: (line: string) => void;
}

export async function runStopCommand(argv: readonly string[], options: StopCommandOptions): Promise<StopCommandResult> {
  const [file, ...args] = argv;
  if (file === undefined || file === '') return { ok: false, exitCode: null, error: 'empty cmdStop' };
  const result = await execa(file, args, {
    stdin: 'ignore',
    all: true,
    lines: true,
    reject: false,
    timeout: Math.max(1, options.timeoutMs),
    env: options.env,
    extendEnv: options.extendEnv,
  });
  for (const line of result.all ?? []) options.onLine(`[cmdStop] ${line}`);
  if (!result.failed) return { ok: true, exitCode: result.exitCode ?? 0, error: null };
  return { ok: false, exitCode: result.exitCode ?? null, error: result.shortMessage ?? 'cmdStop failed' };
}
