// The response cache for identical deterministic requests (scoped by key name): a hit answers
// without starting anything; a miss copies the 200 JSON answer as it passes (after any
// redaction) and stores it once complete.
import type { OutgoingHttpHeaders } from 'node:http';
import { createCacheKey, isCacheable, pickCacheHeaders, type ResponseCache } from '../policy/response-cache.js';
import { PASS, type Decision, type Note, type PipelineHook, type ResponseHead, type ResponseTransform, type TransformEnd, NO_NOTES, EMPTY_END } from '../proxy/hooks.js';
import { getModelContext } from './model-context.js';

/** A larger answer is not cached (it still passes through). */
const MAX_CACHED_BYTES = 32 * 1024 * 1024;

const HIT = { headers: Object.freeze({ 'x-swapgate-cache': 'hit' }), notes: Object.freeze([{ kind: 'cache', result: 'hit' }] as const) };
const MISS = { headers: Object.freeze({ 'x-swapgate-cache': 'miss' }), notes: Object.freeze([{ kind: 'cache', result: 'miss' }] as const) };

class CacheCopy implements ResponseTransform {
  readonly holdsHead = false;
  readonly changesLength = false;
  readonly finished = false;
  private copied: Buffer[] | null = [];
  private bytes = 0;

  constructor(
    private readonly store: (status: number, headers: Readonly<Record<string, string>>, body: Buffer) => void,
    private readonly head: ResponseHead,
  ) {}

  push(chunk: Buffer): Buffer {
    if (this.copied === null) return chunk;
    this.bytes += chunk.length;
    if (this.bytes <= MAX_CACHED_BYTES) this.copied.push(chunk);
    else this.copied = null;
    return chunk;
  }

  end(): TransformEnd {
    if (this.copied !== null) this.store(this.head.status, pickCacheHeaders(toEntries(this.head.headers)), Buffer.concat(this.copied, this.bytes));
    this.copied = null;
    return EMPTY_END;
  }

  abort(): readonly Note[] {
    this.copied = null;
    return NO_NOTES;
  }
}

export function createCacheHook(cache: ResponseCache): PipelineHook {
  return {
    name: 'cache',
    admitModel(call): Decision {
      if (call.kind !== 'json' || !isCacheable(call.body)) return PASS;
      const model = getModelContext(call.target, call.facts.path);
      const key = createCacheKey(model.modelId, call.body, call.caller?.name ?? '');
      const hit = cache.get(key);
      if (hit !== null) return { kind: 'answer', response: hit, ...HIT };
      const store = (status: number, headers: Readonly<Record<string, string>>, body: Buffer): void => cache.set(key, { status, headers, body });
      return {
        kind: 'pass',
        ...MISS,
        wrap: (head) => (head.status === 200 && String(head.headers['content-type'] ?? '').includes('json') ? new CacheCopy(store, head) : null),
      };
    },
  };
}

function toEntries(headers: OutgoingHttpHeaders): [string, string][] {
  return Object.entries(headers).flatMap(([name, value]) => (typeof value === 'string' ? [[name, value] as [string, string]] : []));
}
