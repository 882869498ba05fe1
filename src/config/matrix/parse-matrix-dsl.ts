// The matrix DSL, as llama-swap reads it (internal/matrix/dsl.go): identifiers (letters, digits,
// "_", "-", "."), `&` (run together) binding tighter than `|` (alternatives), parentheses and
// `+name` (inline another set). Every error carries where in the expression it was found.

export type DslNode =
  | { readonly kind: 'name'; readonly name: string; readonly at: number }
  | { readonly kind: 'ref'; readonly name: string; readonly at: number }
  | { readonly kind: 'and' | 'or'; readonly children: readonly DslNode[] };

export interface DslError {
  readonly message: string;
  /** Index in the expression (0-based), and length of the text at fault (0: its end). */
  readonly at: number;
  readonly length: number;
}

export type DslResult = { readonly ok: true; readonly root: DslNode } | { readonly ok: false; readonly error: DslError };

type TokenKind = 'name' | 'ref' | '&' | '|' | '(' | ')' | 'end';

interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly at: number;
}

class DslSyntaxError extends Error {
  constructor(readonly detail: DslError) {
    super(detail.message);
  }
}

const IDENT = /[\p{L}\p{Nd}_.-]/u;
const SPACE = /\s/u;

function tokenize(input: string): Token[] {
  const chars = [...input];
  const tokens: Token[] = [];
  let offset = 0; // UTF-16 index of chars[i], for positions in the source text
  const readName = (i: number): number => {
    let j = i;
    while (j < chars.length && IDENT.test(chars[j] ?? '')) j += 1;
    return j;
  };
  for (let i = 0; i < chars.length; ) {
    const ch = chars[i] ?? '';
    if (SPACE.test(ch)) {
      i += 1;
      offset += ch.length;
    } else if (ch === '&' || ch === '|' || ch === '(' || ch === ')') {
      tokens.push({ kind: ch, text: ch, at: offset });
      i += 1;
      offset += 1;
    } else {
      const isRef = ch === '+';
      const start = isRef ? i + 1 : i;
      const end = readName(start);
      const text = chars.slice(start, end).join('');
      if (end === start) {
        const message = isRef
          ? `expected a set name after "+" at position ${offset + 1}`
          : `unexpected character ${JSON.stringify(ch)} at position ${offset}`;
        throw new DslSyntaxError({ message, at: offset, length: ch.length });
      }
      tokens.push({ kind: isRef ? 'ref' : 'name', text, at: offset });
      offset += (isRef ? 1 : 0) + text.length;
      i = end;
    }
  }
  tokens.push({ kind: 'end', text: '', at: offset });
  return tokens;
}

class Parser {
  private pos = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  peek(): Token {
    return this.tokens[this.pos] ?? { kind: 'end', text: '', at: 0 };
  }

  next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.pos += 1;
    return token;
  }

  parseList(kind: 'or' | 'and'): DslNode {
    const parseItem = (): DslNode => (kind === 'or' ? this.parseList('and') : this.parseAtom());
    const operator = kind === 'or' ? '|' : '&';
    const first = parseItem();
    if (this.peek().kind !== operator) return first;
    const children = [first];
    while (this.peek().kind === operator) {
      this.next();
      children.push(parseItem());
    }
    return { kind, children };
  }

  parseAtom(): DslNode {
    const token = this.next();
    if (token.kind === 'name' || token.kind === 'ref') return { kind: token.kind, name: token.text, at: token.at };
    if (token.kind === '(') {
      const inner = this.parseList('or');
      if (this.next().kind !== ')') throw new DslSyntaxError({ message: 'missing closing parenthesis', at: token.at, length: 1 });
      return inner;
    }
    throw unexpected(token);
  }
}

function unexpected(token: Token): DslSyntaxError {
  if (token.kind === 'end') return new DslSyntaxError({ message: 'unexpected end of expression', at: token.at, length: 0 });
  return new DslSyntaxError({ message: `unexpected token ${JSON.stringify(token.text)}`, at: token.at, length: token.text.length });
}

export function parseMatrixDsl(input: string): DslResult {
  if (input.trim() === '') return { ok: false, error: { message: 'empty DSL expression', at: 0, length: 0 } };
  try {
    const parser = new Parser(tokenize(input));
    const root = parser.parseList('or');
    const rest = parser.peek();
    if (rest.kind !== 'end') {
      const detail = { message: `unexpected token ${JSON.stringify(rest.text)} after the expression`, at: rest.at, length: rest.text.length };
      return { ok: false, error: detail };
    }
    return { ok: true, root };
  } catch (error) {
    if (error instanceof DslSyntaxError) return { ok: false, error: error.detail };
    throw error;
  }
}
