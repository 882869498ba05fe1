// GET /api/version: what llama-swap answers there (internal/server/apigroup.go, handleAPIVersion),
// {version, commit, build_date}, behind the same key check as its other /api routes.
import { sendJson } from '../responses.js';
import type { RouteDecl } from '../route-table.js';

/** The running build: the package version, and the commit and date the bundle was built from. */
export interface BuildInfo {
  readonly version: string;
  /** "unknown" when run from source. */
  readonly commit: string;
  /** ISO 8601; "unknown" when run from source. */
  readonly buildDate: string;
}

export const UNKNOWN_BUILD: BuildInfo = { version: 'unknown', commit: 'unknown', buildDate: 'unknown' };

export function getVersionRoutes(build: BuildInfo): RouteDecl[] {
  const body = { version: build.version, commit: build.commit, build_date: build.buildDate };
  return [{ method: 'GET', path: '/api/version', auth: 'key', handle: (c) => sendJson(c, body) }];
}
