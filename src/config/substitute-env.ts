// `${env.NAME}` → the variable's value, in every scalar of the document (so never in comments).
import { isPair, isScalar, isSeq, visit, type Document, type Scalar } from 'yaml';
import type { KeyPath } from './config-issue.js';
import type { IssueCollector } from './issue-collector.js';

const ENV_REF = /\$\{env\.([a-zA-Z_][a-zA-Z0-9_]*)\}/g;
const WHOLE_ENV_REF = /^\$\{env\.[a-zA-Z_][a-zA-Z0-9_]*\}$/;

export type EnvSource = Readonly<Record<string, string | undefined>>;

export function substituteEnvRefs(doc: Document, env: EnvSource, issues: IssueCollector): void {
  visit(doc, {
    Scalar(_key, node, ancestors) {
      if (typeof node.value !== 'string' || !node.value.includes('${env.')) return;
      const original = node.value;
      const substituted = original.replace(ENV_REF, (token, name: string) => {
        const value = env[name];
        if (value !== undefined) return value;
        const offset = issues.source.findToken(node, token) ?? node.range?.[0] ?? 0;
        issues.errorAtOffset(offset, `environment variable ${name} is not set (used as ${token})`, keyPathOf(ancestors, node));
        return token;
      });
      // llama-swap substitutes before parsing, so an unquoted `ttl: ${env.TTL}` is a number.
      node.value = node.type === 'PLAIN' && WHOLE_ENV_REF.test(original) ? retypePlain(substituted) : substituted;
    },
  });
}

function retypePlain(text: string): string | number | boolean {
  if (/^[-+]?(\d+|\d*\.\d+|\d+\.\d*)([eE][-+]?\d+)?$/.test(text)) return Number(text);
  if (/^(true|True|TRUE)$/.test(text)) return true;
  if (/^(false|False|FALSE)$/.test(text)) return false;
  return text;
}

function keyPathOf(ancestors: readonly unknown[], node: Scalar): KeyPath {
  const chain = [...ancestors, node];
  const path: (string | number)[] = [];
  for (let i = 0; i < chain.length - 1; i++) {
    const here = chain[i];
    const next = chain[i + 1];
    if (isPair(here) && here.value === next && isScalar(here.key)) path.push(String(here.key.value));
    else if (isSeq(here)) path.push(here.items.findIndex((item) => item === next));
  }
  return path;
}
