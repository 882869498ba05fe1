// The command line as llama-swap's docs and service files write it (Go's flag package: one dash,
// -flag=value, -bool=true/false) and as swapgate documents it (--flag value, --flag=value).
import { describe, expect, it } from 'vitest';
import { normalizeGoFlags } from '../../src/cli/go-style-flags.js';
import { parseCommand, type ServeCommand } from '../../src/cli/parse-args.js';

function serve(argv: string[]): ServeCommand {
  const command = parseCommand(argv);
  if (command.kind !== 'serve') throw new Error(`expected serve, got ${JSON.stringify(command)}`);
  return command;
}

describe('llama-swap flags', () => {
  it('reads -config, -config-dir, -listen and -watch-config with one dash', () => {
    expect(serve(['-config', 'config.yaml', '-config-dir', 'conf.d', '-listen', '127.0.0.1:0', '-watch-config'])).toMatchObject({
      configPath: 'config.yaml',
      configDir: 'conf.d',
      host: '127.0.0.1',
      port: 0,
      watchConfig: true,
      tls: null,
    });
  });

  it('reads -flag=value and --flag=value, and :PORT as every interface', () => {
    for (const argv of [
      ['-config=/etc/ls/config.yaml', '-listen=:9090'],
      ['--config=/etc/ls/config.yaml', '--listen=:9090'],
    ]) {
      expect(serve(argv)).toMatchObject({ configPath: '/etc/ls/config.yaml', host: '0.0.0.0', port: 9090 });
    }
  });

  it('reads Go booleans: -watch-config=true, =false, =1, =0', () => {
    expect(serve(['-watch-config=true']).watchConfig).toBe(true);
    expect(serve(['-watch-config=1']).watchConfig).toBe(true);
    expect(serve(['-watch-config=false']).watchConfig).toBe(false);
    expect(serve(['--watch-config=False']).watchConfig).toBe(false);
    expect(parseCommand(['-watch-config=maybe'])).toEqual({ kind: 'error', message: '-watch-config: expected true or false, got "maybe"' });
  });

  it('-version and -help, and the short options stay short', () => {
    expect(parseCommand(['-version'])).toEqual({ kind: 'version' });
    expect(parseCommand(['-help'])).toEqual({ kind: 'help' });
    expect(parseCommand(['-v'])).toEqual({ kind: 'version' });
    expect(serve(['-c', 'x.yaml', '-l', '127.0.0.1:1'])).toMatchObject({ configPath: 'x.yaml', port: 1 });
  });

  it('leaves values alone, even when they look like flags', () => {
    expect(normalizeGoFlags(['-config', '-odd-name.yaml', '-listen=:1'], { config: { type: 'string' }, listen: { type: 'string' } })).toEqual({
      ok: true,
      argv: ['--config', '-odd-name.yaml', '--listen=:1'],
    });
    expect(normalizeGoFlags(['-x', '--', '-config'], { config: { type: 'string' } })).toEqual({ ok: true, argv: ['-x', '--', '-config'] });
  });

  it('names an unknown single-dash flag as unknown', () => {
    const command = parseCommand(['-nosuch']);
    expect(command.kind).toBe('error');
  });
});

describe('TLS flags', () => {
  it('both files: TLS, and the default listen becomes 127.0.0.1:8443 (llama-swap: :8443)', () => {
    expect(serve(['-tls-cert-file', 'c.pem', '-tls-key-file', 'k.pem'])).toMatchObject({
      tls: { certFile: 'c.pem', keyFile: 'k.pem' },
      host: '127.0.0.1',
      port: 8443,
    });
    expect(serve(['--tls-cert-file=c.pem', '--tls-key-file=k.pem', '--listen', '0.0.0.0:443'])).toMatchObject({ port: 443 });
  });

  it('one of the two alone is an error', () => {
    expect(parseCommand(['-tls-cert-file', 'c.pem'])).toEqual({
      kind: 'error',
      message: '--tls-cert-file: TLS needs both --tls-cert-file and --tls-key-file',
    });
    expect(parseCommand(['--tls-key-file=k.pem'])).toEqual({
      kind: 'error',
      message: '--tls-key-file: TLS needs both --tls-cert-file and --tls-key-file',
    });
  });
});

describe('validate and audit verify', () => {
  it('validate takes --config-dir and --strict', () => {
    expect(parseCommand(['validate', '-config-dir', 'conf.d', '--strict'])).toEqual({ kind: 'validate', configPath: null, configDir: 'conf.d', strict: true });
    expect(parseCommand(['validate'])).toEqual({ kind: 'validate', configPath: null, configDir: null, strict: false });
  });

  it('-validate, as llama-swap\'s docs spell it, is the validate command', () => {
    expect(parseCommand(['-config', 'config.yaml', '-validate'])).toEqual({ kind: 'validate', configPath: 'config.yaml', configDir: null, strict: false });
  });

  it('--strict is only for validate', () => {
    expect(parseCommand(['--strict'])).toEqual({ kind: 'error', message: '--strict: only for "swapgate validate"' });
  });

  it('audit verify takes --config-dir', () => {
    expect(parseCommand(['audit', 'verify', '--config-dir=d'])).toMatchObject({ kind: 'audit-verify', configDir: 'd', configPath: null });
  });
});
