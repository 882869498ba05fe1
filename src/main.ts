#!/usr/bin/env node
// Composition root: the only place that reads process.env, installs signal handlers or exits.
import { readFileSync } from 'node:fs';
import { formatConfigIssue } from './config/config-issue.js';
import { isConfigError } from './config/config-error.js';
import { formatVersion, getBuildInfo } from './cli/build-info.js';
import { parseCommand, USAGE } from './cli/parse-args.js';
import { runServe } from './cli/run-serve.js';
import { runAuditVerify } from './cli/run-audit-verify.js';
import { runValidate } from './cli/run-validate.js';
import { flushLogs } from './shared/logger.js';

const SHUTDOWN_GRACE_MS = 30_000;

function readVersion(): string {
  const pkg: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return typeof pkg === 'object' && pkg !== null && 'version' in pkg ? String(pkg.version) : 'unknown';
}

async function serve(command: Extract<ReturnType<typeof parseCommand>, { kind: 'serve' }>): Promise<void> {
  const handle = await runServe(command, {
    env: process.env,
    uid: process.getuid?.() ?? null,
    cwd: process.cwd(),
    nodePath: process.execPath,
    writeStdout: (text) => process.stdout.write(text),
    stdoutIsTty: process.stdout.isTTY === true,
    version: readVersion(),
    build: getBuildInfo(readVersion()),
  });
  // The last lines ("shutdown: closed") may still wait for an asynchronous stdout write.
  const exitAfterLogs = (code: number): void => void flushLogs(handle.logger).finally(() => process.exit(code));
  let stopping: Promise<void> | null = null;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping !== null) {
      handle.logger.warn({ signal }, 'second signal: killing upstreams now');
      void handle.shutdown({ graceMs: 0, force: true }).finally(() => exitAfterLogs(0));
      return;
    }
    handle.logger.info({ signal, graceMs: SHUTDOWN_GRACE_MS }, 'shutting down');
    stopping = handle.shutdown({ graceMs: SHUTDOWN_GRACE_MS });
    void stopping.then(
      () => exitAfterLogs(0),
      (error: unknown) => {
        handle.logger.error({ err: error }, 'shutdown failed');
        exitAfterLogs(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // SIGHUP reloads the config, --watch-config or not (queued behind a reload in progress).
  process.on('SIGHUP', () => {
    if (stopping !== null) return;
    handle.logger.info({ signal: 'SIGHUP' }, 'SIGHUP: reloading the config');
    void handle.reload('SIGHUP');
  });
}

async function main(): Promise<void> {
  const command = parseCommand(process.argv.slice(2));
  switch (command.kind) {
    case 'help':
      process.stdout.write(USAGE);
      return;
    case 'version':
      process.stdout.write(`${formatVersion(getBuildInfo(readVersion()))}\n`);
      return;
    case 'error':
      process.stderr.write(`swapgate: ${command.message}\n\n${USAGE}`);
      process.exitCode = 2;
      return;
    case 'validate':
      process.exitCode = await runValidate(command, {
        env: process.env,
        cwd: process.cwd(),
        nodePath: process.execPath,
        writeStdout: (text) => process.stdout.write(text),
        writeStderr: (text) => process.stderr.write(text),
      });
      return;
    case 'audit-verify':
      process.exitCode = await runAuditVerify(command, {
        env: process.env,
        cwd: process.cwd(),
        nodePath: process.execPath,
        write: (text) => process.stdout.write(text),
      });
      return;
    case 'serve':
      await serve(command);
      return;
  }
}

main().catch((error: unknown) => {
  if (isConfigError(error)) {
    for (const issue of error.issues) process.stderr.write(`${formatConfigIssue(issue)}\n`);
  } else {
    process.stderr.write(`swapgate: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
