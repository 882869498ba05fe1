// The daemon the browser tests drive: fake upstreams in two groups (one slow to start, with
// loading-state frames), one that fails to start, one unlisted, one writing ANSI and HTML to its
// log, and a peer; optionally API keys.
import { fileURLToPath } from 'node:url';
import { startDaemon, type Daemon } from '../helpers/daemon.js';
import { cmdWord, fakeCmd, yamlQuote } from '../e2e/e2e-fixtures.js';

export const USER_KEY = 'sk-ui-user-key';
export const ADMIN_KEY = 'sk-ui-admin-key';
const ANSI_UPSTREAM = fileURLToPath(new URL('./fixtures/ansi-upstream.mjs', import.meta.url));

function ansiCmd(id: string): string {
  return [process.execPath, ANSI_UPSTREAM, '--port', '${PORT}', '--model', id].map(cmdWord).join(' ');
}

export function makeUiConfig(withKeys: boolean): string {
  return [
    ...(withKeys ? ['apiKeys:', `  - { key: ${USER_KEY}, name: user }`, `  - { key: ${ADMIN_KEY}, name: ops, admin: true }`] : []),
    'models:',
    '  alpha:',
    `    cmd: ${yamlQuote(fakeCmd('alpha', '--timings', '--chunks', '12', '--chunk-delay-ms', '15'))}`,
    '    name: Alpha 1B',
    '    description: A fast fake chat model',
    '    aliases: [a1]',
    '    ttl: 600',
    '  slow:',
    `    cmd: ${yamlQuote(fakeCmd('slow', '--ready-after-ms', '1200', '--chunks', '6', '--chunk-delay-ms', '30'))}`,
    '    sendLoadingState: true',
    '  beta:',
    `    cmd: ${yamlQuote(fakeCmd('beta', '--timings'))}`,
    '  colours:',
    `    cmd: ${yamlQuote(ansiCmd('colours'))}`,
    '  broken:',
    `    cmd: ${yamlQuote(fakeCmd('broken', '--exit-after-ms', '0', '--exit-code', '3', '--stderr-lines', '3'))}`,
    '  hidden:',
    `    cmd: ${yamlQuote(fakeCmd('hidden'))}`,
    '    unlisted: true',
    'groups:',
    '  chat:',
    '    swap: true',
    '    exclusive: false',
    '    members: [alpha, slow]',
    '  tools:',
    '    swap: false',
    '    exclusive: false',
    '    members: [beta, colours, broken, hidden]',
    'peers:',
    '  remote:',
    '    proxy: http://127.0.0.1:9',
    '    models: [big]',
    '',
  ].join('\n');
}

export function startUiDaemon(withKeys = false): Promise<Daemon> {
  return startDaemon({ configText: makeUiConfig(withKeys), ...(withKeys ? { apiKey: ADMIN_KEY } : {}) });
}
