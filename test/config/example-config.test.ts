// config.example.yaml must stay valid against config-schema.json and load without errors.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { formatConfigIssue } from '../../src/config/config-issue.js';
import { loadConfigFile } from '../../src/config/load-config-file.js';
import { IMPLICIT_GROUP_ID } from '../../src/config/types.js';

const EXAMPLE = fileURLToPath(new URL('../../config.example.yaml', import.meta.url));
const SCHEMA_PATH = fileURLToPath(new URL('../../config-schema.json', import.meta.url));

interface SchemaNode {
  readonly [key: string]: unknown;
}

describe('config.example.yaml', () => {
  test('validates against config-schema.json with a plain ajv', () => {
    const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as SchemaNode;
    const validate = new Ajv({ allErrors: true, allowUnionTypes: true, strictTypes: false }).compile(schema);
    const valid = validate(parse(readFileSync(EXAMPLE, 'utf8'), { merge: true }));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  test('loads without errors or warnings', async () => {
    const result = await loadConfigFile(EXAMPLE, {});
    expect(result.ok ? [] : result.errors.map(formatConfigIssue)).toEqual([]);
    expect(result.warnings.map(formatConfigIssue)).toEqual([]);
    if (!result.ok) return;
    const { config } = result;
    expect(config.models.map((m) => m.id)).toEqual(['qwen2.5-7b', 'coder', 'llamafile-phi', 'embed-docker', 'fixed-port']);
    expect(config.groups.map((g) => g.id)).toEqual(['chat', 'always-on', IMPLICIT_GROUP_ID]);
    expect(config.preload).toEqual(['embed-docker']);
    expect(config.policies[0]?.rules.map((r) => r.type)).toEqual(['pii_detection', 'content_filter', 'topic_block', 'prompt_injection', 'response_length']);
    expect(config.audit).toMatchObject({ path: fileURLToPath(new URL('../../audit/swapgate-audit.jsonl', import.meta.url)), retentionDays: 365 });
    expect(config.rateLimits.defaultRequestsPerMinute).toBe(600);
  });
});

describe('config-schema.json', () => {
  const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as SchemaNode;

  test('is a draft-07 schema with a description on every key', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    const missing: string[] = [];
    const visit = (node: unknown, path: string): void => {
      if (typeof node !== 'object' || node === null) return;
      const properties = (node as SchemaNode).properties;
      if (typeof properties === 'object' && properties !== null) {
        for (const [key, child] of Object.entries(properties)) {
          const c = child as SchemaNode;
          if (typeof c.description !== 'string' && typeof c.$ref !== 'string') missing.push(`${path}.${key}`);
        }
      }
      for (const [key, child] of Object.entries(node)) visit(child, `${path}.${key}`);
    };
    visit(schema, '#');
    expect(missing.filter((p) => !p.includes('.if.'))).toEqual([]);
  });

  test('never rejects unknown keys (they are warnings)', () => {
    expect(JSON.stringify(schema)).not.toContain('"additionalProperties":false');
  });
});
