// Human log lines for a terminal, from the JSON records pino writes: pino-pretty puts the time,
// level and colours; messageFormat below makes one line of the rest: [model] request-id message
// key=value…, then error stacks and an upstream's last output as indented lines below it.
// A record with an `event` field says everything in its message: its fields are for machines.
import { prettyFactory, type MessageFormatFunc } from 'pino-pretty';
import { getTimePattern, type LogTimeFormat } from './log-time-format.js';

export interface PrettyOptions {
  readonly colorize: boolean;
  readonly timeFormat: LogTimeFormat;
}

/** Fields shown in their own place (or not at all), never as key=value. */
const PLACED = new Set(['time', 'level', 'msg', 'model', 'reqId', 'event', 'err', 'error', 'logTail', 'pid', 'hostname']);
const ERROR_KEYS = ['err', 'error'] as const;
/** Error fields the stack already shows. */
const ERROR_SHOWN = new Set(['type', 'message', 'stack', 'aggregateErrors']);
const BARE = /^[^\s"=,]+$/;
const INDENT = '    ';

/** One JSON record (a line pino wrote) → the human text for it, newline included. */
export function createPrettyFormatter(options: PrettyOptions): (line: string) => string {
  const time = getTimePattern(options.timeFormat);
  return prettyFactory({
    colorize: options.colorize,
    translateTime: time ?? false,
    ignore: time === null ? 'time,pid,hostname' : 'pid,hostname',
    // Every field is rendered by formatMessage (pino-pretty would print one per line).
    hideObject: true,
    messageFormat: formatMessage,
  });
}

const formatMessage: MessageFormatFunc = (log, messageKey, _levelLabel, { colors }) => {
  const message = String(log[messageKey] ?? '');
  const parts: string[] = [];
  const model = log.model;
  if (typeof model === 'string' && !message.startsWith(`${model}: `)) parts.push(colors.magenta(`[${model}]`));
  if (typeof log.reqId === 'string') parts.push(colors.gray(log.reqId));
  parts.push(message);
  if (log.event === undefined) {
    const fields = formatFields(log, PLACED);
    if (fields !== '') parts.push(colors.gray(fields));
  }
  let text = parts.join(' ');
  for (const key of ERROR_KEYS) {
    const error = log[key];
    if (error !== undefined && error !== null) text += `\n${indent(formatError(error))}`;
  }
  const tail = log.logTail;
  if (Array.isArray(tail)) for (const line of tail) text += `\n${INDENT}${colors.gray('|')} ${String(line)}`;
  return text;
};

function formatFields(record: Record<string, unknown>, skip: ReadonlySet<string>): string {
  const fields: string[] = [];
  for (const [key, value] of Object.entries(record)) {
    if (!skip.has(key) && value !== undefined) fields.push(`${key}=${formatValue(value)}`);
  }
  return fields.join(' ');
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return BARE.test(value) ? value : JSON.stringify(value);
  if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string' || typeof item === 'number')) {
    return value.map(formatValue).join(',');
  }
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

// pino's serializer has put the causes into the stack already ("caused by: …").
function formatError(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const record = error as Record<string, unknown>;
  const head = typeof record.stack === 'string' ? record.stack : `${String(record.type ?? 'Error')}: ${String(record.message ?? '')}`;
  const fields = formatFields(record, ERROR_SHOWN);
  return fields === '' ? head : `${head}\n${fields}`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => INDENT + line)
    .join('\n');
}
