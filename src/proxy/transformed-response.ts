// Runs a forwarded response through the transforms the hooks asked for (usage metering,
// redaction, inspection, caching) on its way to the client. Transforms are synchronous, so
// backpressure is the client socket's own: write() returns what the socket's write returned.
// A transform that holds the head (a JSON answer inspected as a whole) delays the head to end().
import type { OutgoingHttpHeaders } from 'node:http';
import type { Exchange } from './exchange.js';
import { renderError, sendError, writeError } from './error-mapper.js';
import type { Note, ResponseHead, ResponseTransform, ResponseWrapper, TransformEnd } from './hooks.js';
import type { SwapgateError } from '../shared/errors.js';
import { brokenOffError } from './proxy-errors.js';

export class TransformedResponse {
  private held: { status: number; headers: OutgoingHttpHeaders } | null = null;
  /** False when the client already has a head (a loading-state stream continues). */
  private sendsHead = true;
  private over = false;

  constructor(
    private readonly exchange: Exchange,
    private readonly transforms: readonly ResponseTransform[],
    private readonly holdsHead: boolean,
  ) {
    exchange.transforms = transforms;
  }

  /** A transform ended the stream itself: the upstream is no longer wanted. */
  get finished(): boolean {
    return this.over;
  }

  /** head: false when the client already has one (a loading-state stream). */
  writeHead(status: number, headers: OutgoingHttpHeaders, sendHead: boolean): void {
    this.sendsHead = sendHead;
    if (this.transforms.some((t) => t.changesLength)) delete headers['content-length'];
    if (this.holdsHead) this.held = { status, headers };
    else if (sendHead) this.exchange.writeHead(status, headers);
  }

  write(chunk: Buffer): boolean {
    if (this.over) return true;
    let out: Buffer | readonly Buffer[] = chunk;
    for (let i = 0; i < this.transforms.length; i++) {
      const transform = this.transforms[i] as ResponseTransform;
      out = pushAll(transform, out);
      if (transform.finished) return this.end({ at: i, chunks: Buffer.isBuffer(out) ? [out] : out });
    }
    return this.send(out);
  }

  /** The upstream ended (or transform `at` finished, leaving `chunks`): the last bytes, then the end. */
  end(pending: Pending | null = null): boolean {
    if (this.over) return true;
    this.over = true;
    const result = endAll(this.transforms, pending);
    this.exchange.transforms = null;
    this.exchange.addNotes(result.notes);
    const { exchange } = this;
    if (result.error !== null) {
      if (this.held === null || !this.sendsHead) exchange.outgoing.destroy();
      else if (!result.flush) writeError(exchange, result.error);
      else {
        const rendered = renderError(result.error);
        void exchange.finishNow(rendered.status, rendered.bytes).then(() => sendError(exchange, rendered));
      }
      return true;
    }
    const body = result.chunks.length === 1 ? (result.chunks[0] as Buffer) : Buffer.concat(result.chunks);
    if (this.held !== null && this.sendsHead) {
      this.held.headers['content-length'] = body.length;
      exchange.writeHead(this.held.status, this.held.headers);
    }
    exchange.complete(body.length === 0 ? null : body);
    return true;
  }

  /** The upstream broke off (or was taken away): a held answer gets `error` instead, a started one is cut. */
  breakOff(error: SwapgateError = brokenOffError()): void {
    if (this.over) return;
    this.over = true;
    if (this.held !== null && this.sendsHead) writeError(this.exchange, error);
    else this.exchange.outgoing.destroy();
  }

  private send(out: Buffer | readonly Buffer[]): boolean {
    const chunk = Buffer.isBuffer(out) ? out : out.length === 1 ? (out[0] as Buffer) : Buffer.concat(out);
    if (chunk.length === 0) return true;
    return this.exchange.send(chunk);
  }
}

/** The transforms the hooks want for this response; null when none does (bytes pipe straight through). */
export function openTransforms(exchange: Exchange, wrappers: readonly ResponseWrapper[], head: ResponseHead): TransformedResponse | null {
  let transforms: ResponseTransform[] | null = null;
  let holdsHead = false;
  for (const wrap of wrappers) {
    const transform = wrap(head);
    if (transform === null) continue;
    (transforms ??= []).push(transform);
    holdsHead ||= transform.holdsHead;
  }
  return transforms === null ? null : new TransformedResponse(exchange, transforms, holdsHead);
}

function pushAll(transform: ResponseTransform, input: Buffer | readonly Buffer[]): Buffer | readonly Buffer[] {
  if (Buffer.isBuffer(input)) return transform.push(input);
  const out: Buffer[] = [];
  for (const chunk of input) {
    const pushed = transform.push(chunk);
    if (Buffer.isBuffer(pushed)) out.push(pushed);
    else out.push(...pushed);
  }
  return out;
}

/** Output of the transform at index `at`, made just before it finished. */
interface Pending {
  readonly at: number;
  readonly chunks: readonly Buffer[];
}

// Each transform's last bytes go through the transforms after it; the first error wins.
function endAll(transforms: readonly ResponseTransform[], pending: Pending | null): TransformEnd {
  let carry: Buffer[] = [];
  const notes: Note[] = [];
  for (let i = 0; i < transforms.length; i++) {
    const transform = transforms[i] as ResponseTransform;
    const pushed: Buffer[] = pending !== null && pending.at === i ? [...pending.chunks] : [];
    for (const chunk of carry) {
      const out = transform.push(chunk);
      if (Buffer.isBuffer(out)) pushed.push(out);
      else pushed.push(...out);
    }
    const ended = transform.end();
    notes.push(...ended.notes);
    if (ended.error !== null) return { chunks: [], error: ended.error, notes, flush: ended.flush };
    carry = [...pushed, ...ended.chunks];
  }
  return { chunks: carry, error: null, notes, flush: false };
}
