// Turns an ajv error into the sentence a user reads ("expected a non-negative integer, got "ten"").
import type { ErrorObject } from 'ajv';
import { describeValue } from './config-issue.js';

interface SchemaFacts {
  readonly minimum?: number;
  readonly exclusiveMinimum?: number;
  readonly type?: string | readonly string[];
}

/** null: not worth showing (a wrapper error, or one the semantic checks word better). */
export function describeSchemaError(error: ErrorObject): string | null {
  const params: Record<string, unknown> = error.params;
  // macro names are checked (and better worded) by the macro reader
  if (error.schemaPath.includes('/propertyNames') || params.propertyName !== undefined) return null;
  const schema = (error.parentSchema ?? {}) as SchemaFacts;
  const got = `got ${describeValue(error.data)}`;
  switch (error.keyword) {
    case 'if':
    case 'propertyNames':
      return null;
    case 'required':
      return `missing required key "${String(params.missingProperty)}"`;
    case 'type':
      return `expected ${describeTypes(String(params.type).split(','), schema)}, ${got}`;
    case 'enum':
      return `expected one of ${listOf(params.allowedValues)}, ${got}`;
    case 'const':
      return `expected ${JSON.stringify(params.allowedValue)}, ${got}`;
    case 'minimum':
      return schema.type === 'integer' ? `expected ${describeInteger(schema)}, ${got}` : `expected at least ${String(params.limit)}, ${got}`;
    case 'exclusiveMinimum':
      return `expected a number greater than ${String(params.limit)}, ${got}`;
    case 'maximum':
      return `expected at most ${String(params.limit)}, ${got}`;
    case 'minLength':
      return params.limit === 1 ? 'expected a non-empty string' : `expected at least ${String(params.limit)} characters, ${got}`;
    case 'maxLength':
      return `expected at most ${String(params.limit)} characters, got ${describeLength(error.data)}`;
    case 'pattern':
      return `expected text matching ${String(params.pattern)}, ${got}`;
    default:
      return error.message ?? `invalid value, ${got}`;
  }
}

function describeTypes(types: readonly string[], schema: SchemaFacts): string {
  const words = types.map((type) => (type === 'boolean' && types.length > 1 ? 'a boolean' : describeType(type, schema)));
  return words.length <= 1 ? (words[0] ?? 'something else') : `${words.slice(0, -1).join(', ')} or ${words.at(-1) ?? ''}`;
}

function describeType(type: string, schema: SchemaFacts): string {
  switch (type) {
    case 'integer':
      return describeInteger(schema);
    case 'number':
      return schema.exclusiveMinimum === 0 ? 'a positive number' : 'a number';
    case 'string':
      return 'a string';
    case 'boolean':
      return 'true or false';
    case 'object':
      return 'a map';
    case 'array':
      return 'a list';
    default:
      return type;
  }
}

// minimum -1 is llama-swap's "use the global value" sentinel (ttl); users write >= 0.
function describeInteger(schema: SchemaFacts): string {
  if (schema.minimum === 0 || schema.minimum === -1) return 'a non-negative integer';
  if (schema.minimum === 1) return 'a positive integer';
  return 'an integer';
}

function listOf(values: unknown): string {
  return Array.isArray(values) ? values.map((v) => String(v)).join(', ') : String(values);
}

function describeLength(value: unknown): string {
  return typeof value === 'string' ? `${value.length}` : describeValue(value);
}
