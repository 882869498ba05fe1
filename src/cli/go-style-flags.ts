// llama-swap parses its command line with Go's flag package, so its docs, service files and
// scripts say `-config x`, `-listen=:8080`, `-watch-config=true`. This rewrites such argv into
// the `--name value` form node:util parseArgs reads: a single dash before a long option's name
// becomes two, and a boolean's `=true`/`=false` (Go's spellings) becomes the flag or nothing.
// Single-letter options (-c, -l, -h, -v) and values are left alone. Pure.

export interface FlagSpec {
  readonly type: 'string' | 'boolean';
}

export type GoFlagsResult = { readonly ok: true; readonly argv: string[] } | { readonly ok: false; readonly message: string };

// strconv.ParseBool, which Go's flag package uses for `-flag=value`.
const GO_TRUE = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);
const GO_FALSE = new Set(['0', 'f', 'F', 'false', 'FALSE', 'False']);

export function normalizeGoFlags(argv: readonly string[], options: Readonly<Record<string, FlagSpec>>): GoFlagsResult {
  const out: string[] = [];
  let expectValue = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (expectValue || arg === '--' || !arg.startsWith('-') || arg === '-') {
      expectValue = false;
      if (arg === '--') return { ok: true, argv: [...out, ...argv.slice(i)] };
      out.push(arg);
      continue;
    }
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    const spec = name.length > 1 ? options[name] : undefined;
    if (spec === undefined) {
      out.push(arg); // a short option, or one parseArgs will name as unknown
      continue;
    }
    if (spec.type === 'string') {
      out.push(`--${body}`);
      expectValue = eq < 0;
      continue;
    }
    if (eq < 0) {
      out.push(`--${name}`);
      continue;
    }
    const value = body.slice(eq + 1);
    if (GO_TRUE.has(value)) out.push(`--${name}`);
    else if (!GO_FALSE.has(value)) return { ok: false, message: `-${name}: expected true or false, got "${value}"` };
  }
  return { ok: true, argv: out };
}
