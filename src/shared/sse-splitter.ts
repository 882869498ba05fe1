// Splits raw SSE bytes into whole events (each ending with its blank line), however the
// upstream chunked them. Works on bytes: line breaks are ASCII, so a UTF-8 sequence split
// across chunks is never cut, and unchanged events can be forwarded byte-identical. Line
// breaks are CRLF, LF or a lone CR, as the SSE spec says; this is the one place that knows.
const LF = 0x0a;
const CR = 0x0d;

export interface SseSplitter {
  /** Complete events, terminator included. */
  push(chunk: Buffer): Buffer[];
  /** Bytes of an unterminated last event, or null. */
  end(): Buffer | null;
}

/** How far a scan got: the next byte to look at, and where the line holding it starts. */
interface ScanPosition {
  at: number;
  lineStart: number;
}

/**
 * Moves `scan` just past the blank line that ends the next event (true), or as far as the
 * bytes allow (false). A CR as the very last byte may be half of a CRLF, so it waits for more.
 */
function scanToEventEnd(buffer: Buffer, scan: ScanPosition): boolean {
  let i = scan.at;
  let lineStart = scan.lineStart;
  while (i < buffer.length) {
    const byte = buffer[i];
    if (byte !== LF && byte !== CR) {
      i++;
      continue;
    }
    let terminatorLength = 1;
    if (byte === CR) {
      if (i + 1 === buffer.length) break;
      if (buffer[i + 1] === LF) terminatorLength = 2;
    }
    const blankLine = i === lineStart;
    i += terminatorLength;
    lineStart = i;
    if (blankLine) {
      scan.at = scan.lineStart = i;
      return true;
    }
  }
  scan.at = i;
  scan.lineStart = lineStart;
  return false;
}

/**
 * The offset just past the first event's blank line in `raw`, or -1 when `raw` holds no whole
 * event. Stops there: a reader that only wants the first event does not scan the rest.
 */
export function findEventEnd(raw: Buffer): number {
  const scan: ScanPosition = { at: 0, lineStart: 0 };
  return scanToEventEnd(raw, scan) ? scan.at : -1;
}

export function createSseSplitter(): SseSplitter {
  let buffer: Buffer = Buffer.alloc(0);
  let eventStart = 0;
  // Resumes where the last push stopped, so a byte is looked at once however events are chunked.
  const scan: ScanPosition = { at: 0, lineStart: 0 };

  return {
    push(chunk) {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      const events: Buffer[] = [];
      while (scanToEventEnd(buffer, scan)) {
        events.push(buffer.subarray(eventStart, scan.at));
        eventStart = scan.at;
      }
      if (eventStart > 0) {
        buffer = buffer.subarray(eventStart);
        scan.at -= eventStart;
        scan.lineStart -= eventStart;
        eventStart = 0;
      }
      return events;
    },
    end() {
      const rest = buffer.subarray(eventStart);
      buffer = Buffer.alloc(0);
      scan.at = scan.lineStart = eventStart = 0;
      return rest.length > 0 ? rest : null;
    },
  };
}
