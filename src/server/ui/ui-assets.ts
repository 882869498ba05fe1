// The built web UI (scripts/bundle-ui.mjs writes dist/ui): the shell (index.html) and the hashed
// assets, each with its precompressed .gz and .br, read into memory once (~100 kB) with an ETag
// per encoding. Found beside the bundled daemon (dist/main.js → dist/ui) or, when the daemon runs
// from its sources (tests), in the repository's dist/ui.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Encoding = 'br' | 'gzip';

export interface UiAsset {
  readonly contentType: string;
  /** Identity bytes, then the precompressed ones when the build wrote them. */
  readonly bodies: { readonly identity: Buffer } & Partial<Record<Encoding, Buffer>>;
  /** Strong ETag of the identity bytes; an encoding adds a suffix ("…-br"). */
  readonly etag: string;
}

export interface UiAssets {
  readonly shell: UiAsset;
  /** By file name under assets/ ("app-3f2a….js"). */
  readonly files: ReadonlyMap<string, UiAsset>;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
};
const ENCODED_SUFFIX = /\.(gz|br)$/;

/** dist/ui beside the bundle, else the repository's (from src/server/ui); null when neither was built. */
export function findUiDir(moduleUrl: string = import.meta.url): string | null {
  const here = dirname(fileURLToPath(moduleUrl));
  const candidates = [join(here, 'ui'), join(here, '..', '..', '..', 'dist', 'ui')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? null;
}

async function readOptional(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function readAsset(path: string): Promise<UiAsset> {
  const [identity, gzip, br] = await Promise.all([readFile(path), readOptional(`${path}.gz`), readOptional(`${path}.br`)]);
  return {
    contentType: CONTENT_TYPES[extname(path)] ?? 'application/octet-stream',
    bodies: { identity, ...(gzip === undefined ? {} : { gzip }), ...(br === undefined ? {} : { br }) },
    etag: `"${createHash('sha256').update(identity).digest('base64url').slice(0, 22)}"`,
  };
}

export async function readUiAssets(dir: string): Promise<UiAssets> {
  const names = (await readdir(join(dir, 'assets'))).filter((name) => !ENCODED_SUFFIX.test(name) && CONTENT_TYPES[extname(name)] !== undefined);
  const [shell, ...assets] = await Promise.all([readAsset(join(dir, 'index.html')), ...names.map((name) => readAsset(join(dir, 'assets', name)))]);
  return { shell: shell as UiAsset, files: new Map(names.map((name, i) => [name, assets[i] as UiAsset])) };
}

const loaded = new Map<string, Promise<UiAssets>>();

/** The assets of `dir`, read on first use and kept (a daemon serves one build). */
export function loadUiAssets(dir: string): Promise<UiAssets> {
  let assets = loaded.get(dir);
  if (assets === undefined) {
    assets = readUiAssets(dir);
    loaded.set(dir, assets);
    // A failed read is retried by the next request rather than remembered.
    assets.catch(() => loaded.delete(dir));
  }
  return assets;
}
