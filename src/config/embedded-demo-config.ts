// The config `npx swapgate` runs with when there is no config file: one fake model, "demo".
// main.ts resolves the paths (node binary, demo/openai-fake-server.mjs) and passes them in.

export const EMBEDDED_DEMO_SOURCE = '<embedded demo>';

export function embeddedDemoConfigText(nodePath: string, demoScriptPath: string): string {
  return [
    '# Built-in demo: a fake OpenAI-compatible server. Pass --config FILE to run real models.',
    'models:',
    '  demo:',
    '    name: swapgate demo',
    '    description: A fake OpenAI-compatible server bundled with swapgate',
    '    cmd: |',
    `      ${quoteWord(nodePath)} ${quoteWord(demoScriptPath)} --port \${PORT} --model demo`,
    '    checkEndpoint: /health',
    '',
  ].join('\n');
}

// A shell word for splitCommand; inside a YAML block scalar nothing else needs escaping.
function quoteWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}
