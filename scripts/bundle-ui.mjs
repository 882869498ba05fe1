#!/usr/bin/env node
// Builds the web UI (ui/src, Preact + signals in TSX) into dist/ui: index.html (the shell, no data)
// and assets/ with content-hashed names (app-[hash].js, the lazily loaded Performance chunk with
// uPlot, app-[hash].css), each also precompressed as .gz and .br. The daemon serves them under
// /ui/ (src/server/ui/ui-assets.ts). Type checking is `npm run typecheck`'s job (ui/tsconfig.json).
// Run after bundle-daemon.mjs, which empties dist/. Usage: node scripts/bundle-ui.mjs
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'rolldown';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT_DIR = join(ROOT, 'dist', 'ui');
const ASSETS = join(OUT_DIR, 'assets');
const CSS_SOURCES = ['ui/src/app.css', 'node_modules/uplot/dist/uPlot.min.css'];
/** Over this, the build fails: the shell (app JS + CSS, gzipped) must stay small. */
const SHELL_GZIP_BUDGET = 80 * 1024;

rmSync(OUT_DIR, { recursive: true, force: true });
mkdirSync(ASSETS, { recursive: true });

const { output } = await build({
  cwd: ROOT,
  input: { app: 'ui/src/main.tsx' },
  platform: 'browser',
  tsconfig: 'ui/tsconfig.json',
  onLog(level, log, handler) {
    if (level === 'warn') throw new Error(`rolldown: ${log.message}`);
    handler(level, log);
  },
  output: {
    dir: ASSETS,
    format: 'esm',
    entryFileNames: '[name]-[hash].js',
    chunkFileNames: '[name]-[hash].js',
    minify: true,
    comments: false,
  },
});

/** Whitespace and comments go; the rules stay as written (no CSS minifier needed for ~20 KB). */
function minifyCss(text) {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([{};,>])\s*/g, '$1')
    .replace(/;}/g, '}')
    .trim();
}

const css = minifyCss(CSS_SOURCES.map((file) => readFileSync(join(ROOT, file), 'utf8')).join('\n'));
const cssName = `app-${createHash('sha256').update(css).digest('hex').slice(0, 8)}.css`;
writeFileSync(join(ASSETS, cssName), css);

const entry = output.find((o) => o.type === 'chunk' && o.isEntry);
if (entry === undefined) throw new Error('rolldown produced no entry chunk');
const html = readFileSync(join(ROOT, 'ui/index.html'), 'utf8').replace('%CSS%', `assets/${cssName}`).replace('%JS%', `assets/${entry.fileName}`);
writeFileSync(join(OUT_DIR, 'index.html'), html);

const files = [
  ...output.filter((o) => o.type === 'chunk').map((o) => ({ path: join(ASSETS, o.fileName), text: o.code, shell: o.isEntry })),
  { path: join(ASSETS, cssName), text: css, shell: true },
  { path: join(OUT_DIR, 'index.html'), text: html, shell: false },
];
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;
let shellGzip = 0;
const lines = [];
for (const file of files) {
  const raw = Buffer.from(file.text);
  const gz = gzipSync(raw, { level: 9 });
  const br = brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } });
  writeFileSync(`${file.path}.gz`, gz);
  writeFileSync(`${file.path}.br`, br);
  if (file.shell) shellGzip += gz.length;
  lines.push(`  ${file.path.slice(OUT_DIR.length + 1)}: ${kb(raw.length)} raw, ${kb(gz.length)} gzip, ${kb(br.length)} brotli`);
}
process.stderr.write(`bundled the web UI into dist/ui (shell JS + CSS ${kb(shellGzip)} gzip):\n${lines.join('\n')}\n`);
if (shellGzip > SHELL_GZIP_BUDGET) throw new Error(`the UI shell is ${kb(shellGzip)} gzipped, over its ${kb(SHELL_GZIP_BUDGET)} budget`);
