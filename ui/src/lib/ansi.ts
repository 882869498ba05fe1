// ANSI colours of upstream logs as text segments: ansi_up parses the escape codes and escapes the
// text; its HTML (spans only, links off) is read back into segments that the view renders as
// elements with text children. No HTML from a log is ever parsed by the browser, and colours go
// through classes and CSSOM styles, which the page's CSP (no inline style attributes) allows.
import { AnsiUp } from 'ansi_up';

export interface Segment {
  readonly text: string;
  /** ansi_up's classes: "ansi-red-fg", "ansi-bright-blue-bg" (themed in app.css). */
  readonly className?: string;
  /** Bold, faint, italic, underline and 256/true colours, as CSSOM properties. */
  readonly style?: Readonly<Record<string, string>>;
}

const converter = new AnsiUp();
converter.use_classes = true;
converter.url_allowlist = {};

const ENTITIES: Readonly<Record<string, string>> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#x27;': "'" };
const unescape = (html: string): string => html.replace(/&(?:amp|lt|gt|quot|#x27);/g, (entity) => ENTITIES[entity] ?? entity);

/** The properties ansi_up writes, as CSSOM names; anything else is dropped. */
const STYLE_NAMES: Readonly<Record<string, string>> = {
  'font-weight': 'fontWeight',
  opacity: 'opacity',
  'font-style': 'fontStyle',
  'text-decoration': 'textDecoration',
  color: 'color',
  'background-color': 'backgroundColor',
};

function readStyle(text: string): Record<string, string> | undefined {
  const style: Record<string, string> = {};
  for (const declaration of text.split(';')) {
    const colon = declaration.indexOf(':');
    const name = STYLE_NAMES[declaration.slice(0, colon).trim()];
    if (colon > 0 && name !== undefined) style[name] = declaration.slice(colon + 1).trim();
  }
  return Object.keys(style).length === 0 ? undefined : style;
}

const SPAN = /<span(?: style="([^"]*)")?(?: class="([^"]*)")?>([^<]*)<\/span>/g;

/** One line (no colour carried over from the line before) as segments; plain text is one segment. */
export function ansiToSegments(line: string): Segment[] {
  if (!line.includes('\x1b')) return line === '' ? [] : [{ text: line }];
  const html = converter.ansi_to_html(`\x1b[0m${line}`);
  const segments: Segment[] = [];
  let at = 0;
  for (const match of html.matchAll(SPAN)) {
    if (match.index > at) segments.push({ text: unescape(html.slice(at, match.index)) });
    const [, style, className, text = ''] = match;
    const css = style === undefined ? undefined : readStyle(style);
    segments.push({ text: unescape(text), ...(className === undefined ? {} : { className }), ...(css === undefined ? {} : { style: css }) });
    at = match.index + match[0].length;
  }
  if (at < html.length) segments.push({ text: unescape(html.slice(at)) });
  return segments.filter((segment) => segment.text !== '');
}

/** The line without its escape codes (for search, download and copying). */
export function stripAnsi(line: string): string {
  return ansiToSegments(line).map((segment) => segment.text).join('');
}
