// Text → YAML document with positions, plus a plain JS value for validation.
import { LineCounter, parseDocument, type Document } from 'yaml';
import { IssueCollector } from './issue-collector.js';
import { SourceMap } from './source-map.js';

export interface ParsedYaml {
  readonly doc: Document;
  readonly issues: IssueCollector;
  /** The file's own positions (issues.source, typed as what it is). */
  readonly source: SourceMap;
}

export function parseYaml(text: string, file: string): ParsedYaml {
  const lineCounter = new LineCounter();
  // merge: llama-swap (yaml.v3) accepts `<<: *anchor`, so configs in the wild use it.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, merge: true, uniqueKeys: true });
  const source = new SourceMap(doc, lineCounter, text);
  const issues = new IssueCollector(file, source);
  for (const error of doc.errors) {
    const message = error.code === 'DUPLICATE_KEY' ? 'duplicate key' : error.message;
    issues.errorAtOffset(error.pos[0], `YAML syntax error: ${message}`);
  }
  for (const warning of doc.warnings) issues.warnAtOffset(warning.pos[0], `YAML: ${warning.message}`);
  return { doc, issues, source };
}

/** The document as plain data; null on failure (e.g. an undefined *alias), reported as an error. */
export function toPlainData(parsed: ParsedYaml): unknown {
  try {
    return parsed.doc.toJS({ maxAliasCount: 1000 }) ?? {};
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    parsed.issues.error([], `YAML error: ${message}`);
    return null;
  }
}
