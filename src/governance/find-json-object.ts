// Finds the last `"key": {…}` object in raw JSON bytes without parsing the rest: the upstream's
// "usage" and llama-server's "timings" sit at the top level of an answer (or of an SSE event),
// and the answer may be megabytes of text. The bytes need not be valid JSON as a whole (the
// tail of a stream will do); a key inside a string is escaped there, so it is never taken.
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN = 0x7b;
const CLOSE = 0x7d;

export function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    return undefined; // not JSON: callers treat undefined as "nothing readable"
  }
}

/** Index just past the JSON string that starts at `start` (a quote), or -1. */
function skipString(raw: Buffer, start: number): number {
  for (let i = start + 1; i < raw.length; i++) {
    const byte = raw[i];
    if (byte === BACKSLASH) i++;
    else if (byte === QUOTE) return i + 1;
  }
  return -1;
}

/** The object value starting at `start` ("{"), as its source bytes, or null. */
function sliceObject(raw: Buffer, start: number): Buffer | null {
  let depth = 0;
  for (let i = start; i < raw.length; i++) {
    const byte = raw[i];
    if (byte === QUOTE) {
      i = skipString(raw, i) - 1;
      if (i < 0) return null;
    } else if (byte === OPEN) depth++;
    else if (byte === CLOSE && --depth === 0) return raw.subarray(start, i + 1);
  }
  return null;
}

function isEscapedQuote(raw: Buffer, quote: number): boolean {
  let backslashes = 0;
  for (let i = quote - 1; i >= 0 && raw[i] === BACKSLASH; i--) backslashes++;
  return backslashes % 2 === 1;
}

const isSeparator = (byte: number | undefined): boolean => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09 || byte === 0x3a;

/** The parsed value of the last `key` (a quoted key, e.g. Buffer.from('"usage"')) whose value is an object; null when none. */
export function findLastObject(raw: Buffer, key: Buffer): Record<string, unknown> | null {
  let at = raw.lastIndexOf(key);
  while (at >= 0) {
    if (!isEscapedQuote(raw, at)) {
      let i = at + key.length;
      while (i < raw.length && isSeparator(raw[i])) i++;
      const value = raw[i] === OPEN ? sliceObject(raw, i) : null;
      const parsed = value === null ? undefined : parseJson(value);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    }
    at = at === 0 ? -1 : raw.lastIndexOf(key, at - 1);
  }
  return null;
}
