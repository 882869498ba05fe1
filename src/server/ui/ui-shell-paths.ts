// The paths that serve the web UI's static shell. The shell carries no data (the page fetches
// everything with the user's key), so it can be served without an API key: otherwise a daemon
// with keys could never show the page where the user pastes one.
const UI_SHELL_PATHS: ReadonlySet<string> = new Set(['/', '/ui', '/ui/']);

export function isUiShellPath(path: string): boolean {
  return UI_SHELL_PATHS.has(path);
}
