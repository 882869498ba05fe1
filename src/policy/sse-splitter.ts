// Splits raw SSE bytes into whole events (each ending with its blank line), however the
// upstream chunked them. Works on bytes: line breaks are ASCII, so a UTF-8 sequence split
// across chunks is never cut, and unchanged events can be forwarded byte-identical.
const LF = 0x0a;
const CR = 0x0d;

export interface SseSplitter {
  /** Complete events, terminator included. */
  push(chunk: Buffer): Buffer[];
  /** Bytes of an unterminated last event, or null. */
  end(): Buffer | null;
}

export function createSseSplitter(): SseSplitter {
  let buffer: Buffer = Buffer.alloc(0);
  let scanFrom = 0;
  let lineStart = 0;
  let eventStart = 0;

  return {
    push(chunk) {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      const events: Buffer[] = [];
      let i = scanFrom;
      while (i < buffer.length) {
        const byte = buffer[i];
        if (byte !== LF && byte !== CR) {
          i++;
          continue;
        }
        let terminatorLength = 1;
        if (byte === CR) {
          // A CR at the very end may be the first half of CRLF: wait for the next byte.
          if (i + 1 === buffer.length) break;
          if (buffer[i + 1] === LF) terminatorLength = 2;
        }
        const blankLine = i === lineStart;
        i += terminatorLength;
        lineStart = i;
        if (blankLine) {
          events.push(buffer.subarray(eventStart, i));
          eventStart = i;
        }
      }
      scanFrom = i;
      if (eventStart > 0) {
        buffer = buffer.subarray(eventStart);
        scanFrom -= eventStart;
        lineStart -= eventStart;
        eventStart = 0;
      }
      return events;
    },
    end() {
      const rest = buffer.subarray(eventStart);
      buffer = Buffer.alloc(0);
      scanFrom = lineStart = eventStart = 0;
      return rest.length > 0 ? rest : null;
    },
  };
}
