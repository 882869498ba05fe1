// Reads a whole request body (JSON routes need "model" before anything can be forwarded),
// refusing it as soon as it passes the configured limit or its deadline (requestBodyTimeout).
import { IncomingMessage, type IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { abortedError } from '../shared/errors.js';
import type { BodyDeadline, BodyDeadlineListener } from './body-deadline.js';
import { getHeader } from './get-header.js';
import { badRequest, bodyTooLarge } from './proxy-errors.js';

const EMPTY = Buffer.alloc(0);

/** The declared Content-Length, checked against the limit up front (413 without reading). */
export function getDeclaredLength(headers: IncomingHttpHeaders, limitBytes: number): number | null {
  const raw = getHeader(headers, 'content-length');
  if (raw === undefined) return null;
  const length = Number(raw);
  if (!Number.isSafeInteger(length) || length < 0) throw badRequest(`invalid Content-Length "${raw}"`);
  if (length > limitBytes) throw bodyTooLarge(limitBytes);
  return length;
}

/**
 * A small body usually arrives with the headers: when node has already parsed the whole
 * message, take it without listeners or a promise. null when it is still arriving.
 */
export function takeCompleteBody(stream: Readable | null, limitBytes: number): Buffer | null {
  if (stream === null) return EMPTY;
  if (!(stream instanceof IncomingMessage) || !stream.complete || stream.readableFlowing === true) return null;
  if (stream.readableLength > limitBytes) throw bodyTooLarge(limitBytes);
  const body: unknown = stream.read();
  return Buffer.isBuffer(body) ? body : EMPTY;
}

const TAG = Symbol('swapgate.bodyReader');
type Tagged = Readable & { [TAG]?: BodyReader };

export function readBody(stream: Readable | null, limitBytes: number, deadline: BodyDeadline): Promise<Buffer> {
  if (stream === null) return Promise.resolve(EMPTY);
  return new Promise((resolve, reject) => new BodyReader(stream, limitBytes, deadline, resolve, reject).start());
}

// Shared listener functions find their reader through a tag: no closures per request.
class BodyReader implements BodyDeadlineListener {
  private readonly chunks: Buffer[] = [];
  private total = 0;

  constructor(
    private readonly stream: Tagged,
    private readonly limitBytes: number,
    private readonly deadline: BodyDeadline,
    private readonly resolve: (body: Buffer) => void,
    private readonly reject: (error: unknown) => void,
  ) {}

  start(): void {
    this.stream[TAG] = this;
    this.stream.on('data', onBodyData);
    this.stream.on('end', onBodyEnd);
    this.stream.on('error', onBodyBroken);
    this.stream.on('close', onBodyBroken);
    this.deadline.run(this);
  }

  data(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.total <= this.limitBytes) {
      this.chunks.push(chunk);
      return;
    }
    this.stop();
    this.stream.pause();
    this.reject(bodyTooLarge(this.limitBytes));
  }

  end(): void {
    this.stop();
    const { chunks } = this;
    this.resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, this.total));
  }

  broken(): void {
    this.stop();
    this.reject(abortedError('reading the request body'));
  }

  onBodyDeadline(): void {
    this.stop();
    this.stream.pause();
    this.reject(this.deadline.error);
  }

  private stop(): void {
    this.deadline.stop();
    const { stream } = this;
    stream[TAG] = undefined;
    stream.off('data', onBodyData);
    stream.off('end', onBodyEnd);
    stream.off('error', onBodyBroken);
    stream.off('close', onBodyBroken);
  }
}

function onBodyData(this: Tagged, chunk: Buffer): void {
  this[TAG]?.data(chunk);
}
function onBodyEnd(this: Tagged): void {
  this[TAG]?.end();
}
function onBodyBroken(this: Tagged): void {
  this[TAG]?.broken();
}
