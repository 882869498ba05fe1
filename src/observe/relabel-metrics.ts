// Re-exposes the Prometheus text of several upstreams (llama-server --metrics) as one: each
// sample gets a `model` label, and the samples of one metric family from every model are put
// together under one HELP/TYPE (the text format wants a family's lines contiguous). An upstream
// label already named "model" becomes "exported_model", as Prometheus itself does; a family
// whose name swapgate exposes itself is left out.

export interface UpstreamText {
  readonly model: string;
  readonly text: string;
}

interface Family {
  help: string | null;
  type: string | null;
  readonly samples: string[];
}

const SUFFIXES = ['_bucket', '_sum', '_count', '_total', '_created', '_info'];

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** The sample's line with `model="…"` as its first label. */
export function addModelLabel(line: string, model: string): string {
  const label = `model="${escapeLabelValue(model)}"`;
  const brace = line.indexOf('{');
  const space = line.search(/\s/);
  if (brace < 0 || (space >= 0 && space < brace)) {
    return space < 0 ? `${line}{${label}}` : `${line.slice(0, space)}{${label}}${line.slice(space)}`;
  }
  let rest = line.slice(brace + 1).replace(/(^|,)(\s*)model=/, '$1$2exported_model=');
  if (rest.trimStart().startsWith('}')) rest = rest.trimStart();
  else rest = `,${rest}`;
  return `${line.slice(0, brace)}{${label}${rest}`;
}

function sampleName(line: string): string {
  const end = line.search(/[{\s]/);
  return end < 0 ? line : line.slice(0, end);
}

/** Whether a sample named `name` belongs to the family declared as `family`. */
function belongsTo(name: string, family: string | null): family is string {
  if (family === null || !name.startsWith(family)) return false;
  const suffix = name.slice(family.length);
  return suffix === '' || SUFFIXES.includes(suffix);
}

function getFamily(families: Map<string, Family>, name: string): Family {
  let family = families.get(name);
  if (family === undefined) {
    family = { help: null, type: null, samples: [] };
    families.set(name, family);
  }
  return family;
}

function readText(families: Map<string, Family>, { model, text }: UpstreamText): void {
  let current: string | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const meta = /^#\s*(HELP|TYPE)\s+(\S+)(?:\s+(.*))?$/.exec(line);
    if (meta !== null) {
      const [, kind, name, value = ''] = meta as unknown as [string, string, string, string?];
      const family = getFamily(families, name);
      if (kind === 'HELP') family.help ??= value;
      else {
        family.type ??= value;
        current = name;
      }
      continue;
    }
    if (line.startsWith('#')) continue;
    const name = sampleName(line);
    const owner = belongsTo(name, current) ? current : name;
    getFamily(families, owner).samples.push(addModelLabel(line, model));
  }
}

/** One exposition text for every upstream's metrics, without the families named in `reserved`. */
export function mergeUpstreamMetrics(texts: readonly UpstreamText[], reserved: ReadonlySet<string>): string {
  const families = new Map<string, Family>();
  for (const text of texts) readText(families, text);
  const out: string[] = [];
  for (const [name, family] of families) {
    if (reserved.has(name) || family.samples.length === 0) continue;
    if (family.help !== null) out.push(`# HELP ${name} ${family.help}`);
    if (family.type !== null) out.push(`# TYPE ${name} ${family.type}`);
    out.push(...family.samples);
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}
