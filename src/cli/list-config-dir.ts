// The files --config-dir contributes, as llama-swap lists them (internal/config/merge.go,
// listYAMLFiles): *.yml and *.yaml directly in the directory (no subdirectories), in byte order
// of their names, so the merge order never depends on the file system.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

export type ConfigDirListing = { readonly ok: true; readonly files: string[] } | { readonly ok: false; readonly reason: string };

export function isConfigFileName(name: string): boolean {
  return name.endsWith('.yml') || name.endsWith('.yaml');
}

/** dir absolute: so are the files. */
export async function listConfigDir(dir: string): Promise<ConfigDirListing> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    const names = entries.filter((e) => !e.isDirectory() && isConfigFileName(e.name)).map((e) => e.name);
    // Go's sort.Strings compares bytes; JS strings compare UTF-16 units (they differ past U+FFFF).
    names.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    return { ok: true, files: names.map((name) => join(dir, name)) };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}
