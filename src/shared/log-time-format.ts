// The timestamp of human log lines (logTimeFormat). llama-swap names Go's time layouts; the same
// names map here to dateformat patterns (pino-pretty's translateTime), in local time, to the
// millisecond (Go's micro- and nanosecond layouts are padded with zeros).

/** llama-swap's names, lower case (the config matches them case-insensitively). */
export const GO_TIME_FORMATS = {
  ansic: 'ddd mmm d HH:MM:ss yyyy',
  unixdate: 'ddd mmm d HH:MM:ss Z yyyy',
  rubydate: 'ddd mmm dd HH:MM:ss o yyyy',
  rfc822: 'dd mmm yy HH:MM Z',
  rfc822z: 'dd mmm yy HH:MM o',
  rfc850: 'dddd, dd-mmm-yy HH:MM:ss Z',
  rfc1123: 'ddd, dd mmm yyyy HH:MM:ss Z',
  rfc1123z: 'ddd, dd mmm yyyy HH:MM:ss o',
  rfc3339: "yyyy-mm-dd'T'HH:MM:ssp",
  rfc3339nano: "yyyy-mm-dd'T'HH:MM:ss.lp",
  kitchen: 'h:MMTT',
  stamp: 'mmm d HH:MM:ss',
  stampmilli: 'mmm d HH:MM:ss.l',
  stampmicro: "mmm d HH:MM:ss.l'000'",
  stampnano: "mmm d HH:MM:ss.l'000000'",
} as const;

export type GoTimeFormat = keyof typeof GO_TIME_FORMATS;

/** 'default': swapgate's short local time; 'none': no timestamp (llama-swap's ""). */
export type LogTimeFormat = 'default' | 'none' | GoTimeFormat;

const DEFAULT_PATTERN = 'HH:MM:ss.l';

export function isGoTimeFormat(name: string): name is GoTimeFormat {
  return Object.hasOwn(GO_TIME_FORMATS, name);
}

/** The translateTime option of pino-pretty (local time), or null for no timestamp. */
export function getTimePattern(format: LogTimeFormat): string | null {
  if (format === 'none') return null;
  return `SYS:${format === 'default' ? DEFAULT_PATTERN : GO_TIME_FORMATS[format]}`;
}
