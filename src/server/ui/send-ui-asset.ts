// Answers a request for one UI file: the best encoding the client accepts (brotli, then gzip,
// then identity), 304 when its If-None-Match names this variant, and the caching the file wants:
// hashed assets never change (immutable), the shell is revalidated on every load (no-cache).
import type { AppContext } from '../app-env.js';
import type { Encoding, UiAsset } from './ui-assets.js';

export type CachePolicy = 'immutable' | 'revalidate';

const CACHE_CONTROL: Readonly<Record<CachePolicy, string>> = {
  immutable: 'public, max-age=31536000, immutable',
  revalidate: 'no-cache',
};

/** The q-value the client gives `coding` (a "*" entry counts for codings it does not name). */
function getQuality(acceptEncoding: string, coding: string): number {
  let star = 0;
  for (const part of acceptEncoding.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const quality = q === undefined ? 1 : Number(q.slice(2));
    const value = Number.isFinite(quality) ? quality : 0;
    if (name.trim() === coding) return value;
    if (name.trim() === '*') star = value;
  }
  return star;
}

/** br, gzip or identity (null), whichever the asset has and the client accepts, smallest first. */
export function pickEncoding(acceptEncoding: string, asset: UiAsset): Encoding | null {
  for (const encoding of ['br', 'gzip'] as const) {
    if (asset.bodies[encoding] !== undefined && getQuality(acceptEncoding, encoding) > 0) return encoding;
  }
  return null;
}

function matchesEtag(ifNoneMatch: string, etag: string): boolean {
  return ifNoneMatch.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed === etag || trimmed === `W/${etag}`;
  });
}

export function sendUiAsset(c: AppContext, asset: UiAsset, cache: CachePolicy, headers: Readonly<Record<string, string>> = {}): Response {
  const encoding = pickEncoding(c.req.header('accept-encoding') ?? '', asset);
  const etag = encoding === null ? asset.etag : `${asset.etag.slice(0, -1)}-${encoding}"`;
  const common: Record<string, string> = {
    ...headers,
    etag,
    'cache-control': CACHE_CONTROL[cache],
    vary: 'accept-encoding',
    'x-content-type-options': 'nosniff',
  };
  if (matchesEtag(c.req.header('if-none-match') ?? '', etag)) return c.body(null, 304, common);
  const body = encoding === null ? asset.bodies.identity : (asset.bodies[encoding] as Buffer);
  c.get('exchange').bytes = body.length;
  // readFile's buffers never sit on a SharedArrayBuffer: the cast only narrows the type.
  return c.body(body as Uint8Array<ArrayBuffer>, 200, {
    ...common,
    'content-type': asset.contentType,
    'content-length': String(body.length),
    ...(encoding === null ? {} : { 'content-encoding': encoding }),
  });
}
