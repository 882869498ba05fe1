// The build's commit and date, replaced at bundle time (scripts/bundle-daemon.mjs, `define`);
// run from source (tsx, vitest) they are not defined and read "unknown". The version is the
// package's, which main.ts reads.
import type { BuildInfo } from '../server/routes/version-routes.js';

declare const __SWAPGATE_COMMIT__: string | undefined;
declare const __SWAPGATE_BUILD_DATE__: string | undefined;

export function getBuildInfo(version: string): BuildInfo {
  return {
    version,
    commit: typeof __SWAPGATE_COMMIT__ === 'string' ? __SWAPGATE_COMMIT__ : 'unknown',
    buildDate: typeof __SWAPGATE_BUILD_DATE__ === 'string' ? __SWAPGATE_BUILD_DATE__ : 'unknown',
  };
}

/** `swapgate 0.1.0 (commit abc123, built 2026-01-02T03:04:05Z)`: llama-swap's -version, in our words. */
export function formatVersion(build: BuildInfo): string {
  return `swapgate ${build.version} (commit ${build.commit}, built ${build.buildDate})`;
}
