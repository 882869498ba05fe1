#!/usr/bin/env node
// Bundles the daemon (src/main.ts and every package it imports) into one ES module, dist/main.js.
// Why: Node keeps tens of KB of loader and compile state per module it loads, and the unbundled
// daemon loads ~400 modules (execa alone is ~100); one file cuts ~9 MB of idle RSS while the
// sources stay small files. Type checking is tsc's job (`npm run build` runs it first); for stack
// traces with TypeScript positions run `node --enable-source-maps dist/main.js`.
// Usage: node scripts/bundle-daemon.mjs
import { execFileSync } from 'node:child_process';
import { chmodSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT_DIR = fileURLToPath(new URL('../dist', import.meta.url));
// Build-time-only packages: ajv runs in scripts/generate-config-validator.mjs, never in the daemon.
const BUILD_ONLY_PACKAGES = ['ajv'];

// GET /api/version and --version name the commit and date the bundle was built from
// (src/cli/build-info.ts). SOURCE_DATE_EPOCH, when set, makes the date reproducible.
function getCommit() {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || 'unknown';
  } catch {
    return 'unknown'; // not a git checkout (a tarball): the version still says which release
  }
}
const epoch = Number(process.env.SOURCE_DATE_EPOCH);
const BUILD_DATE = (Number.isFinite(epoch) && epoch > 0 ? new Date(epoch * 1000) : new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');

rmSync(OUT_DIR, { recursive: true, force: true });
const { output } = await build({
  cwd: ROOT,
  input: { main: 'src/main.ts' },
  platform: 'node',
  tsconfig: 'tsconfig.build.json',
  transform: { define: { __SWAPGATE_COMMIT__: JSON.stringify(getCommit()), __SWAPGATE_BUILD_DATE__: JSON.stringify(BUILD_DATE) } },
  // In a bundle a warning (unresolved import, missing export, direct eval) is a run-time bug.
  onLog(level, log, handler) {
    if (level === 'warn') throw new Error(`rolldown: ${log.message}`);
    handler(level, log);
  },
  output: {
    dir: OUT_DIR,
    format: 'esm',
    sourcemap: true,
    // Bundling renames clashing top-level names (Request → Request$1); error types and log
    // records read constructor names, so keep the originals.
    keepNames: true,
    // Escaped non-ASCII keeps the source a one-byte string in V8 (half the memory of two-byte).
    charset: 'ascii',
    comments: false,
    // Whitespace and dead code go; names stay, so stack traces remain readable.
    minify: { compress: true, mangle: false, codegen: { removeWhitespace: true } },
  },
});
const chunks = output.filter((o) => o.type === 'chunk');
for (const chunk of chunks) {
  for (const id of Object.keys(chunk.modules)) {
    const pkg = BUILD_ONLY_PACKAGES.find((name) => id.includes(`/node_modules/${name}/`));
    if (pkg !== undefined) throw new Error(`${chunk.fileName} contains ${id}: ${pkg} must not be needed at run time`);
  }
}
chmodSync(`${OUT_DIR}/main.js`, 0o755);
const sizes = chunks.map((o) => `${o.fileName} ${(o.code.length / 1024).toFixed(0)} KB`);
process.stderr.write(`bundled ${sizes.join(', ')}\n`);
