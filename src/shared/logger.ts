// The only place that imports pino. Proxy log lines go to stdout (per logToStdout) and to
// the LogHub's "proxy" channel so /logs can show them.
import { pino, type Logger, type DestinationStream } from 'pino';
import type { LogHub } from './log-hub.js';

export type { Logger };

export interface LoggerOptions {
  readonly level: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  readonly toStdout: boolean;
  readonly hub?: LogHub;
  /** Extra destination (tests parse lines from it). */
  readonly destination?: DestinationStream;
}

const REDACTED_PATHS = [
  'apiKey',
  'key',
  'authorization',
  'headers.authorization',
  'headers["x-api-key"]',
  'err.apiKey',
  'peer.apiKey',
  'config.apiKey',
];

export function createLogger(options: LoggerOptions): Logger {
  const streams: pino.StreamEntry[] = [];
  if (options.toStdout) streams.push({ stream: pino.destination({ fd: 1, sync: false }) });
  if (options.destination) streams.push({ stream: options.destination });
  const hub = options.hub;
  if (hub) streams.push({ stream: { write: (chunk: string) => hub.proxy(chunk.trimEnd()) } });
  return pino(
    {
      level: options.level,
      base: undefined,
      // Defence in depth (no log call passes a key): explicit paths only, since a wildcard path
      // made every log line ~3× as costly, the per-request line included.
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    pino.multistream(streams.map((s) => ({ ...s, level: 'debug' as const }))),
  );
}

/** A logger that writes nothing, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
