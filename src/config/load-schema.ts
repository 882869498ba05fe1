// config-schema.json is the source of truth for keys, types and defaults. It is imported, not
// read from disk: the build bundles the daemon into one file (dist/main.js), so a path relative
// to this module would not hold there.
import schemaJson from '../../config-schema.json' with { type: 'json' };

/** The parts of JSON Schema this loader reads itself (the generated validator checks the rest). */
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

const CONFIG_SCHEMA = schemaJson as JsonSchema;

export function loadConfigSchema(): JsonSchema {
  return CONFIG_SCHEMA;
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
