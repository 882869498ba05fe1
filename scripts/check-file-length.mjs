#!/usr/bin/env node
// Fails when a source file is longer than MAX_LINES lines: split it along a seam instead (one
// concern per file). Checks .ts/.tsx/.mjs/.js/.cjs files under src/, test/, scripts/, bench/ and
// ui/ (those that exist); generated files (a name containing ".generated.") are exempt.
// Usage: node scripts/check-file-length.mjs   (npm run lint:length)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAX_LINES = 300;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIRS = ['src', 'test', 'scripts', 'bench', 'ui'];
const EXTENSIONS = /\.(ts|tsx|mjs|js|cjs)$/;
const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.cache']);

function* walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) yield* walk(path);
    } else if (entry.isFile() && EXTENSIONS.test(entry.name) && !entry.name.includes('.generated.')) {
      yield path;
    }
  }
}

/** Lines as an editor counts them: a final newline does not start another line. */
function countLines(text) {
  if (text === '') return 0;
  const newlines = text.split('\n').length - 1;
  return text.endsWith('\n') ? newlines : newlines + 1;
}

const tooLong = [];
let checked = 0;
for (const dir of DIRS.map((name) => join(ROOT, name)).filter((path) => existsSync(path))) {
  for (const file of walk(dir)) {
    checked += 1;
    const lines = countLines(readFileSync(file, 'utf8'));
    if (lines > MAX_LINES) tooLong.push({ file: relative(ROOT, file), lines });
  }
}

if (tooLong.length > 0) {
  tooLong.sort((a, b) => b.lines - a.lines);
  process.stderr.write(`${tooLong.length} file(s) longer than ${MAX_LINES} lines (split them; generated files are exempt):\n`);
  for (const { file, lines } of tooLong) process.stderr.write(`  ${file}: ${lines} lines\n`);
  process.exit(1);
}
process.stdout.write(`file length: ${checked} files, none longer than ${MAX_LINES} lines\n`);
