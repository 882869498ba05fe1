// config-schema.json is the source of truth for keys, types and defaults; read it once.
import { readFileSync } from 'node:fs';

/** The parts of JSON Schema this loader reads itself (ajv reads the rest). */
export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly additionalProperties?: JsonSchema | boolean;
  readonly items?: JsonSchema;
  readonly $ref?: string;
  readonly deprecated?: boolean;
  readonly minimum?: number;
  readonly definitions?: Readonly<Record<string, JsonSchema>>;
}

// Same relative path from src/config and dist/config.
const SCHEMA_URL = new URL('../../config-schema.json', import.meta.url);

let cached: JsonSchema | undefined;

export function loadConfigSchema(): JsonSchema {
  cached ??= JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as JsonSchema;
  return cached;
}

/** Follows `#/definitions/x` references. */
export function resolveSchema(root: JsonSchema, schema: JsonSchema): JsonSchema {
  let current = schema;
  for (let hops = 0; current.$ref !== undefined && hops < 16; hops++) {
    const name = current.$ref.replace(/^#\/definitions\//, '');
    const target = root.definitions?.[name];
    if (target === undefined) return current;
    current = target;
  }
  return current;
}
