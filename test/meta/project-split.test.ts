// The unit project runs without dist/ and without llama-server (no globalSetup): none of its test
// files may use the built daemon, the installed llama-server or Chromium. Such a test belongs in
// E2E_TESTS (vitest.config.ts). Asks vitest itself which files the unit project holds.
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runVitest } from './vitest-child.js';

/** What only the e2e project provides: dist/main.js, inject('llamaServerPath'), Chromium. */
const E2E_ONLY =
  /\b(DIST_MAIN|startDaemon|runSwapgate|getLlamaServerPath)\b|\binject\(|e2e-fixtures|ui\/browser|install-llama-server|playwright/;
const SELF = 'test/meta/project-split.test.ts';

describe('the unit project', () => {
  it('holds no test that needs dist/, llama-server or Chromium', async () => {
    const listed = await runVitest(['list', '--project', 'unit', '--filesOnly', '--json']);
    expect(listed.exitCode, listed.output).toBe(0);
    const json = listed.output.slice(listed.output.indexOf('['), listed.output.lastIndexOf(']') + 1);
    const files = (JSON.parse(json) as Array<{ file: string }>).map((entry) => entry.file);
    expect(files.length).toBeGreaterThan(10);
    expect(files.map((file) => relative(ROOT, file))).toContain(SELF);

    const offenders: string[] = [];
    for (const file of files) {
      if (relative(ROOT, file) === SELF) continue; // names them all, in E2E_ONLY
      const match = E2E_ONLY.exec(await readFile(file, 'utf8'));
      if (match !== null) offenders.push(`${relative(ROOT, file)} (uses ${match[0]})`);
    }
    expect(offenders, 'move these to E2E_TESTS in vitest.config.ts').toEqual([]);
  });
});
