// Turns argv into a typed command. Pure: no env, no exit; main.ts acts on the result.
// llama-swap's Go-style spellings work too (-config x, -listen=:8080): go-style-flags.ts.
import { parseArgs } from 'node:util';
import { normalizeGoFlags } from './go-style-flags.js';

/** A certificate and its key, as PEM files (llama-swap's -tls-cert-file / -tls-key-file). */
export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

export interface ServeCommand {
  readonly kind: 'serve';
  readonly configPath: string | null;
  /** --config-dir: its *.yml/*.yaml files merge after --config (llama-swap's -config-dir). */
  readonly configDir: string | null;
  /** null: plain HTTP. */
  readonly tls: TlsFiles | null;
  readonly host: string;
  readonly port: number;
  readonly watchConfig: boolean;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error' | null;
  readonly stateDir: string | null;
}

export type Command =
  | ServeCommand
  | { readonly kind: 'validate'; readonly configPath: string | null; readonly configDir: string | null; readonly strict: boolean }
  | {
      readonly kind: 'audit-verify';
      readonly path: string | null;
      readonly configPath: string | null;
      readonly configDir: string | null;
      readonly expectHead: string | null;
    }
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'error'; readonly message: string };

export const DEFAULT_LISTEN = '127.0.0.1:8080';
/** With TLS and no --listen (llama-swap's :8443, on loopback like our plain default). */
export const DEFAULT_TLS_LISTEN = '127.0.0.1:8443';

export const USAGE = `Usage:
  swapgate [--config FILE] [--config-dir DIR] [--listen HOST:PORT] [--watch-config]
           [--tls-cert-file FILE --tls-key-file FILE] [--log-level L] [--state-dir DIR]
  swapgate validate [--config FILE] [--config-dir DIR] [--strict]     (or: -config FILE -validate)
  swapgate audit verify [--path FILE] [--config FILE] [--config-dir DIR] [--expect-head HASH]
  swapgate --version | --help

Options (also spelled as llama-swap spells them: -config FILE, -listen=:8080, -watch-config=true):
  --config FILE       YAML config (default: ./config.yaml, else a built-in demo model; with
                      --config-dir and no --config, only the directory's files)
  --config-dir DIR    also load every *.yml/*.yaml file directly in DIR, in name order, merged
                      after --config: models, groups, peers... may be defined in one file only,
                      lists add up, a setting set twice must have the same value
  --listen HOST:PORT  address to listen on (default ${DEFAULT_LISTEN}; ${DEFAULT_TLS_LISTEN} with TLS)
  --tls-cert-file F   serve HTTPS with this PEM certificate (chain) ...
  --tls-key-file F    ... and this PEM private key; both or neither
  --watch-config      reload the config when its file, or a file of --config-dir, changes (SIGHUP
                      reloads it in any case); models whose definition did not change keep running
  --log-level L       debug | info | warn | error (overrides logLevel in the config)
  --state-dir DIR     where started upstreams are recorded, so the next start reaps what a
                      killed daemon left (default, one per user: $XDG_STATE_HOME/swapgate,
                      else ~/.local/state/swapgate, else <tmp>/swapgate-<uid>)
  --expect-head HASH  audit verify: fail unless the chain's final hash is HASH (as printed
                      by an earlier verify): detects whole records cut off its end
  --strict            validate: fail (exit 1) on unknown keys and on llama-swap settings that
                      swapgate accepts but ignores, not only warn
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

const OPTIONS = {
  config: { type: 'string', short: 'c' },
  'config-dir': { type: 'string' },
  listen: { type: 'string', short: 'l' },
  'watch-config': { type: 'boolean' },
  'tls-cert-file': { type: 'string' },
  'tls-key-file': { type: 'string' },
  'log-level': { type: 'string' },
  'state-dir': { type: 'string' },
  path: { type: 'string' },
  'expect-head': { type: 'string' },
  strict: { type: 'boolean' },
  // llama-swap's docs: `llama-swap -config config.yaml -validate` checks the config and exits.
  validate: { type: 'boolean' },
  version: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function parseCommand(argv: readonly string[]): Command {
  const normalized = normalizeGoFlags(argv, OPTIONS);
  if (!normalized.ok) return { kind: 'error', message: normalized.message };
  let parsed;
  try {
    parsed = parseArgs({ args: normalized.argv, allowPositionals: true, options: OPTIONS });
  } catch (error) {
    return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { kind: 'help' };
  if (values.version === true) return { kind: 'version' };
  const configPath = values.config ?? null;
  const configDir = values['config-dir'] ?? null;
  const words = positionals.length === 0 && values.validate === true ? 'validate' : positionals.join(' ');
  const strict = values.strict === true;
  if (words === 'validate') return { kind: 'validate', configPath, configDir, strict };
  if (strict) return { kind: 'error', message: '--strict: only for "swapgate validate"' };
  const expectHead = values['expect-head'] ?? null;
  if (words === 'audit verify') {
    if (expectHead !== null && !/^[0-9a-f]{64}$/i.test(expectHead)) {
      return { kind: 'error', message: `--expect-head: expected a SHA-256 hash (64 hex digits), got "${expectHead}"` };
    }
    return { kind: 'audit-verify', path: values.path ?? null, configPath, configDir, expectHead: expectHead?.toLowerCase() ?? null };
  }
  if (expectHead !== null) return { kind: 'error', message: '--expect-head: only for "swapgate audit verify"' };
  if (words !== '') return { kind: 'error', message: `unknown command "${words}"` };

  const certFile = values['tls-cert-file'] ?? null;
  const keyFile = values['tls-key-file'] ?? null;
  if ((certFile === null) !== (keyFile === null)) {
    const given = certFile === null ? '--tls-key-file' : '--tls-cert-file';
    return { kind: 'error', message: `${given}: TLS needs both --tls-cert-file and --tls-key-file` };
  }
  const tls = certFile !== null && keyFile !== null ? { certFile, keyFile } : null;
  const listen = parseListen(values.listen ?? (tls === null ? DEFAULT_LISTEN : DEFAULT_TLS_LISTEN));
  if (listen === null) return { kind: 'error', message: `--listen: expected HOST:PORT, got "${values.listen}"` };
  const level = values['log-level'];
  if (level !== undefined && !(LOG_LEVELS as readonly string[]).includes(level)) {
    return { kind: 'error', message: `--log-level: expected one of ${LOG_LEVELS.join(', ')}, got "${level}"` };
  }
  return {
    kind: 'serve',
    configPath,
    configDir,
    tls,
    host: listen.host,
    port: listen.port,
    watchConfig: values['watch-config'] === true,
    logLevel: (level as ServeCommand['logLevel']) ?? null,
    stateDir: values['state-dir'] ?? null,
  };
}
