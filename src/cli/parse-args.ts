// Turns argv into a typed command. Pure: no env, no exit; main.ts acts on the result.
import { parseArgs } from 'node:util';

export interface ServeCommand {
  readonly kind: 'serve';
  readonly configPath: string | null;
  readonly host: string;
  readonly port: number;
  readonly watchConfig: boolean;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error' | null;
  readonly stateDir: string | null;
}

export type Command =
  | ServeCommand
  | { readonly kind: 'validate'; readonly configPath: string | null }
  | { readonly kind: 'audit-verify'; readonly path: string | null; readonly configPath: string | null; readonly expectHead: string | null }
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'error'; readonly message: string };

export const DEFAULT_LISTEN = '127.0.0.1:8080';

export const USAGE = `Usage:
  swapgate [--config FILE] [--listen HOST:PORT] [--watch-config] [--log-level L] [--state-dir DIR]
  swapgate validate [--config FILE]
  swapgate audit verify [--path FILE] [--config FILE] [--expect-head HASH]
  swapgate --version | --help

Options:
  --config FILE       YAML config (default: ./config.yaml, else a built-in demo model)
  --listen HOST:PORT  address to listen on (default ${DEFAULT_LISTEN})
  --watch-config      reload the config when the file changes (SIGHUP reloads it in any case);
                      models whose definition did not change keep running
  --log-level L       debug | info | warn | error (overrides logLevel in the config)
  --state-dir DIR     where started upstreams are recorded, so the next start reaps what a
                      killed daemon left (default, one per user: $XDG_STATE_HOME/swapgate,
                      else ~/.local/state/swapgate, else <tmp>/swapgate-<uid>)
  --expect-head HASH  audit verify: fail unless the chain's final hash is HASH (as printed
                      by an earlier verify): detects whole records cut off its end
`;

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

export function parseListen(text: string): { host: string; port: number } | null {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text);
  if (match === null) return null;
  const port = Number(match[3]);
  if (port > 65535) return null;
  const host = match[1] ?? match[2] ?? '';
  return { host: host === '' ? '0.0.0.0' : host, port };
}

export function parseCommand(argv: readonly string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        config: { type: 'string', short: 'c' },
        listen: { type: 'string', short: 'l' },
        'watch-config': { type: 'boolean' },
        'log-level': { type: 'string' },
        'state-dir': { type: 'string' },
        path: { type: 'string' },
        'expect-head': { type: 'string' },
        version: { type: 'boolean', short: 'v' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { kind: 'help' };
  if (values.version === true) return { kind: 'version' };
  const configPath = values.config ?? null;
  const words = positionals.join(' ');
  if (words === 'validate') return { kind: 'validate', configPath };
  const expectHead = values['expect-head'] ?? null;
  if (words === 'audit verify') {
    if (expectHead !== null && !/^[0-9a-f]{64}$/i.test(expectHead)) {
      return { kind: 'error', message: `--expect-head: expected a SHA-256 hash (64 hex digits), got "${expectHead}"` };
    }
    return { kind: 'audit-verify', path: values.path ?? null, configPath, expectHead: expectHead?.toLowerCase() ?? null };
  }
  if (expectHead !== null) return { kind: 'error', message: '--expect-head: only for "swapgate audit verify"' };
  if (words !== '') return { kind: 'error', message: `unknown command "${words}"` };

  const listen = parseListen(values.listen ?? DEFAULT_LISTEN);
  if (listen === null) return { kind: 'error', message: `--listen: expected HOST:PORT, got "${values.listen}"` };
  const level = values['log-level'];
  if (level !== undefined && !(LOG_LEVELS as readonly string[]).includes(level)) {
    return { kind: 'error', message: `--log-level: expected one of ${LOG_LEVELS.join(', ')}, got "${level}"` };
  }
  return {
    kind: 'serve',
    configPath,
    host: listen.host,
    port: listen.port,
    watchConfig: values['watch-config'] === true,
    logLevel: (level as ServeCommand['logLevel']) ?? null,
    stateDir: values['state-dir'] ?? null,
  };
}
