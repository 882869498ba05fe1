// Finds the "model" field of a multipart/form-data upload while it streams in. Everything read
// is kept (it must be forwarded), but scanning only looks at a small window, so a field after a
// large file costs one pass. The value's offsets let the caller rewrite it in place.
import type { Readable } from 'node:stream';
import { abortedError } from '../shared/errors.js';
import type { BodyDeadline } from './body-deadline.js';
import { badRequest, bodyTooLarge } from './proxy-errors.js';

export interface ModelField {
  readonly value: string;
  /** Byte offsets of the value in the body. */
  readonly start: number;
  readonly end: number;
}

export interface MultipartScan {
  readonly field: ModelField | null;
  /** Every byte read so far. */
  readonly head: Buffer;
  /** True when the whole body was read while scanning. */
  readonly ended: boolean;
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');
const MAX_PART_HEADERS = 16 * 1024;
const MAX_MODEL_VALUE = 4 * 1024;

type ScanState = 'delimiter' | 'headers' | 'value' | 'done';

export class ModelFieldScanner {
  private readonly delimiter: Buffer;
  private state: ScanState = 'delimiter';
  // The unscanned tail; starts with a virtual CRLF so the first "--boundary" matches too.
  private window: Buffer = CRLF;
  private windowStart = -CRLF.length;
  private valueStart = 0;

  constructor(boundary: string) {
    this.delimiter = Buffer.from(`\r\n--${boundary}`);
  }

  /** Feeds the next chunk; returns the field once found, or null (check `finished`). */
  push(chunk: Buffer): ModelField | null {
    if (this.state === 'done') return null;
    this.window = this.window.length === 0 ? chunk : Buffer.concat([this.window, chunk]);
    for (;;) {
      const state: ScanState = this.state;
      switch (state) {
        case 'delimiter':
          if (!this.findDelimiter()) return null;
          break;
        case 'headers':
          if (!this.findHeaders()) return null;
          break;
        case 'value':
          return this.findValue();
        default:
          return null; // done: the closing delimiter came first
      }
    }
  }

  get finished(): boolean {
    return this.state === 'done';
  }

  private consume(count: number): void {
    this.window = this.window.subarray(count);
    this.windowStart += count;
  }

  private findDelimiter(): boolean {
    const at = this.window.indexOf(this.delimiter);
    if (at < 0) {
      const keep = this.delimiter.length + 2;
      if (this.window.length > keep) this.consume(this.window.length - keep);
      return false;
    }
    const after = at + this.delimiter.length;
    if (this.window.length < after + 2) return false;
    if (this.window[after] === 0x2d && this.window[after + 1] === 0x2d) {
      this.state = 'done'; // closing delimiter: no model field in this form
      return false;
    }
    const lineEnd = this.window.indexOf(CRLF, after);
    if (lineEnd < 0) return false;
    this.consume(lineEnd + CRLF.length);
    this.state = 'headers';
    return true;
  }

  private findHeaders(): boolean {
    // A part without headers starts directly with the blank line.
    const at = this.window.indexOf(CRLF) === 0 ? -2 : this.window.indexOf(HEADER_END);
    if (at === -1) {
      if (this.window.length > MAX_PART_HEADERS) throw badRequest('multipart part headers are too long');
      return false;
    }
    const headers = at < 0 ? '' : this.window.subarray(0, at).toString('latin1');
    this.consume(at < 0 ? CRLF.length : at + HEADER_END.length);
    const disposition = /^content-disposition:([^\r\n]*)$/im.exec(headers)?.[1] ?? '';
    const name = /;\s*name="([^"]*)"/i.exec(disposition)?.[1] ?? /;\s*name=([^;\s]+)/i.exec(disposition)?.[1];
    const isFile = /;\s*filename\*?=/i.test(disposition);
    if (name === 'model' && !isFile) {
      this.valueStart = this.windowStart;
      this.state = 'value';
    } else this.state = 'delimiter';
    return true;
  }

  private findValue(): ModelField | null {
    const at = this.window.indexOf(this.delimiter);
    if (at < 0) {
      if (this.window.length > MAX_MODEL_VALUE) throw badRequest('multipart field "model" is too long');
      return null;
    }
    this.state = 'done';
    return { value: this.window.subarray(0, at).toString('utf8').trim(), start: this.valueStart, end: this.windowStart + at };
  }
}

export function getMultipartBoundary(contentType: string | undefined): string | null {
  if (contentType === undefined || !/^multipart\/form-data\s*;/i.test(contentType)) return null;
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2] ?? null;
}

/**
 * Reads until the model field (or the end); the stream is left paused for forwarding and the
 * deadline paused with it (forwarding resumes both).
 */
export function scanForModelField(stream: Readable | null, boundary: string, limitBytes: number, deadline: BodyDeadline): Promise<MultipartScan> {
  if (stream === null) return Promise.resolve({ field: null, head: Buffer.alloc(0), ended: true });
  const scanner = new ModelFieldScanner(boundary);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const stop = (): void => {
      deadline.pause();
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onBroken);
      stream.off('close', onBroken);
    };
    const onData = (chunk: Buffer): void => {
      total += chunk.length;
      chunks.push(chunk);
      try {
        if (total > limitBytes) throw bodyTooLarge(limitBytes);
        const field = scanner.push(chunk);
        if (field === null && !scanner.finished) return;
        stop();
        stream.pause();
        resolve({ field, head: Buffer.concat(chunks, total), ended: false });
      } catch (error) {
        stop();
        stream.pause();
        reject(error);
      }
    };
    const onEnd = (): void => {
      stop();
      resolve({ field: null, head: Buffer.concat(chunks, total), ended: true });
    };
    const onBroken = (): void => {
      stop();
      reject(abortedError('reading the request body'));
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onBroken);
    stream.on('close', onBroken);
    deadline.run({
      onBodyDeadline: () => {
        stop();
        stream.pause();
        reject(deadline.error);
      },
    });
  });
}
