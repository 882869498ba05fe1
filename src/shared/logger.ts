// The only place that imports pino. Proxy log lines go to stdout (per logToStdout), as JSON
// records or as human lines (pretty-log.ts), and to the LogHub's "proxy" channel, always as
// JSON records, so /logs and the UI get every field.
import { pino, type Logger, type DestinationStream } from 'pino';
import type { LogHub } from './log-hub.js';
import type { LogTimeFormat } from './log-time-format.js';
import { createPrettyFormatter } from './pretty-log.js';

export type { Logger };

/** What the daemon's stdout gets: JSON records, or one human line per record. */
export type StdoutFormat = 'json' | 'pretty';

export interface LoggerOptions {
  readonly level: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  readonly toStdout: boolean;
  /** Default json. */
  readonly format?: StdoutFormat;
  /** pretty only: ANSI colours (a terminal that wants them). Default false. */
  readonly colorize?: boolean;
  /** pretty only. Default 'default'. */
  readonly timeFormat?: LogTimeFormat;
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

/** Asynchronous stdout writers, ended (their queued lines written) by flushLogs before exit. */
type AsyncOutput = ReturnType<typeof pino.destination>;
const asyncOutputs = new WeakMap<Logger, AsyncOutput>();
const FLUSH_LIMIT_MS = 2000;

export function createLogger(options: LoggerOptions): Logger {
  const streams: pino.StreamEntry[] = [];
  const async = options.toStdout && options.format !== 'pretty' ? pino.destination({ fd: 1, sync: false }) : null;
  if (async !== null) streams.push({ stream: async });
  else if (options.toStdout) streams.push({ stream: createPrettyStdout(options) });
  if (options.destination) streams.push({ stream: options.destination });
  const hub = options.hub;
  if (hub) streams.push({ stream: { write: (chunk: string) => hub.proxy(chunk.trimEnd()) } });
  const logger = pino(
    {
      level: options.level,
      base: undefined,
      // Defence in depth (no log call passes a key): explicit paths only, since a wildcard path
      // made every log line ~3× as costly, the per-request line included.
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    pino.multistream(streams.map((s) => ({ ...s, level: 'debug' as const }))),
  );
  if (async !== null) asyncOutputs.set(logger, async);
  return logger;
}

/**
 * Resolves once every line logged so far reached stdout (at most ~2 s): call it last, right
 * before process.exit, which would drop lines still queued for an asynchronous write.
 */
export function flushLogs(logger: Logger): Promise<void> {
  const out = asyncOutputs.get(logger);
  if (out === undefined || (out as { destroyed?: boolean }).destroyed === true) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, FLUSH_LIMIT_MS);
    out.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    out.end();
  });
}

function createPrettyStdout(options: LoggerOptions): DestinationStream {
  // Synchronous, so the lines keep their order with the upstream lines written beside them.
  const stdout = pino.destination({ fd: 1, sync: true });
  const format = createPrettyFormatter({ colorize: options.colorize ?? false, timeFormat: options.timeFormat ?? 'default' });
  return { write: (line: string) => void stdout.write(format(line)) };
}

/** A logger that writes nothing, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
