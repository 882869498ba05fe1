// Reads --tls-cert-file and --tls-key-file and checks that they make a usable pair before the
// server starts, so a wrong path or a key that does not match the certificate stops the daemon
// with a message naming the file, not a TLS error on the first connection.
import { createSecureContext } from 'node:tls';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { TlsFiles } from './parse-args.js';

export interface TlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
}

export class TlsFilesError extends Error {
  readonly code = 'tls_files_unusable';

  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'TlsFilesError';
  }
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function readTlsFiles(files: TlsFiles, cwd: string): Promise<TlsMaterial> {
  const read = async (flag: string, path: string): Promise<Buffer> => {
    try {
      return await readFile(resolve(cwd, path));
    } catch (error) {
      throw new TlsFilesError(`${flag} ${path}: cannot read it: ${reasonOf(error)}`, error);
    }
  };
  const [cert, key] = await Promise.all([read('--tls-cert-file', files.certFile), read('--tls-key-file', files.keyFile)]);
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    throw new TlsFilesError(`--tls-cert-file ${files.certFile} / --tls-key-file ${files.keyFile}: not a usable PEM certificate and key: ${reasonOf(error)}`, error);
  }
  return { cert, key };
}
