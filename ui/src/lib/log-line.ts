// A log line as the Logs page shows it. The proxy's lines are pino JSON records: they read as
// "time LEVEL [model] request-id message key=value", with an error's stack and an upstream's last
// output as lines below (as the daemon's own pretty terminal output shows them). Other lines are
// shown as they are, with a level guessed from their words for the level filter.

export type Level = 'debug' | 'info' | 'warn' | 'error';

export interface ReadableLine {
  readonly time: string;
  readonly level: Level | null;
  readonly text: string;
  /** Lines shown below it (stack, log tail). */
  readonly more: readonly string[];
}

const LEVELS: Readonly<Record<number, Level>> = { 10: 'debug', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'error' };
export const LEVEL_RANK: Readonly<Record<Level, number>> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Fields placed elsewhere in the line (or dropped), never shown as key=value. */
const PLACED = new Set(['time', 'level', 'msg', 'model', 'reqId', 'event', 'err', 'error', 'logTail', 'pid', 'hostname']);
const BARE = /^[^\s"=,]+$/;

function formatValue(value: unknown): string {
  if (typeof value === 'string') return BARE.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}

function formatTime(ms: unknown): string {
  if (typeof ms !== 'number') return '';
  const date = new Date(ms);
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

function errorLines(error: unknown): string[] {
  if (typeof error !== 'object' || error === null) return [`error: ${formatValue(error)}`];
  const { stack, message, type } = error as { stack?: unknown; message?: unknown; type?: unknown };
  if (typeof stack === 'string') return stack.split('\n');
  return [`${typeof type === 'string' ? type : 'Error'}: ${typeof message === 'string' ? message : formatValue(error)}`];
}

function parseRecord(line: string): Record<string, unknown> | null {
  if (!line.startsWith('{')) return null;
  try {
    const value = JSON.parse(line) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function guessLevel(line: string): Level | null {
  if (/\b(error|fatal|panic|failed|exception)\b/i.test(line)) return 'error';
  if (/\bwarn(ing)?\b/i.test(line)) return 'warn';
  return null;
}

export function readLogLine(line: string): ReadableLine {
  const record = parseRecord(line);
  if (record === null || typeof record.msg !== 'string') return { time: '', level: guessLevel(line), text: line, more: [] };
  const parts: string[] = [];
  const { model, reqId, msg } = record;
  if (typeof model === 'string' && !msg.startsWith(`${model}: `)) parts.push(`[${model}]`);
  if (typeof reqId === 'string') parts.push(reqId);
  parts.push(msg);
  if (record.event === undefined) {
    for (const [key, value] of Object.entries(record)) if (!PLACED.has(key) && value !== undefined) parts.push(`${key}=${formatValue(value)}`);
  }
  const more: string[] = [];
  for (const key of ['err', 'error'] as const) if (record[key] !== undefined && record[key] !== null) more.push(...errorLines(record[key]).map((l) => `    ${l}`));
  if (Array.isArray(record.logTail)) more.push(...record.logTail.map((l) => `    | ${String(l)}`));
  const level = typeof record.level === 'number' ? (LEVELS[record.level] ?? null) : null;
  return { time: formatTime(record.time), level, text: parts.join(' '), more };
}

/** The line as plain text (download, search). */
export function toPlainText(line: ReadableLine): string {
  const head = [line.time, line.level?.toUpperCase() ?? '', line.text].filter((part) => part !== '').join(' ');
  return [head, ...line.more].join('\n');
}
