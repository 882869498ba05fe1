// The Logs page's lines: a channel's lines (proxy, every upstream, or one model's, cut from the
// upstream channel's "[id] " prefix), read once each into readable form, filtered by level and text.
import type { LogSource } from '../api/types';
import { ansiToSegments, stripAnsi, type Segment } from '../lib/ansi';
import { LEVEL_RANK, readLogLine, toPlainText, type Level, type ReadableLine } from '../lib/log-line';
import type { LogLine } from './live-reducer';

export interface ShownLine extends ReadableLine {
  readonly seq: number;
  /** Plain text (no ANSI), for search and download. */
  readonly plain: string;
  /** The text and the lines below it as coloured segments (read once, not per render). */
  readonly segments: readonly Segment[];
  readonly moreSegments: readonly (readonly Segment[])[];
}

const cache = new WeakMap<LogLine, ShownLine>();

function show(line: LogLine, text: string): ShownLine {
  let shown = cache.get(line);
  if (shown === undefined) {
    const readable = readLogLine(text);
    const segments = ansiToSegments(readable.text);
    const moreSegments = readable.more.map(ansiToSegments);
    shown = { ...readable, seq: line.seq, plain: stripAnsi(toPlainText(readable)), segments, moreSegments };
    cache.set(line, shown);
  }
  return shown;
}

export function selectChannel(logs: Readonly<Record<LogSource, readonly LogLine[]>>, channel: string): ShownLine[] {
  if (channel === 'proxy' || channel === 'upstream') return logs[channel].map((line) => show(line, line.text));
  const prefix = `[${channel}] `;
  return logs.upstream.filter((line) => line.text.startsWith(prefix)).map((line) => show(line, line.text.slice(prefix.length)));
}

/** "/regex/flags" is a regular expression (null while it does not compile); else a substring, ignoring case. */
export function compileSearch(text: string): ((plain: string) => boolean) | null {
  const regex = /^\/(.+)\/([a-z]*)$/.exec(text);
  if (regex !== null) {
    try {
      const re = new RegExp(regex[1] ?? '', (regex[2] ?? '').replace(/[gy]/g, ''));
      return (plain) => re.test(plain);
    } catch {
      return null;
    }
  }
  const needle = text.toLowerCase();
  return needle === '' ? () => true : (plain) => plain.toLowerCase().includes(needle);
}

/** minLevel '' keeps every line; else only lines of that level or above (lines with no level go). */
export function filterLines(lines: readonly ShownLine[], minLevel: Level | '', matches: (plain: string) => boolean, afterSeq = 0): ShownLine[] {
  return lines.filter((line) => {
    if (line.seq <= afterSeq) return false;
    if (minLevel !== '' && (line.level === null || LEVEL_RANK[line.level] < LEVEL_RANK[minLevel])) return false;
    return matches(line.plain);
  });
}
