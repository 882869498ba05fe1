// Fills the literal ${PORT} / ${PID} placeholders config leaves in cmd, proxy, checkEndpoint
// and cmdStop, once per run (port) or per stop (pid).
import { PID_PLACEHOLDER, PORT_PLACEHOLDER, type ModelConfig } from '../config/types.js';

export interface RunTarget {
  /** cmd with ${PORT} filled in. */
  readonly argv: readonly string[];
  /** proxy with ${PORT} filled in, no trailing slash. */
  readonly baseUrl: string;
  /** baseUrl + checkEndpoint, or null when the model is ready at spawn. */
  readonly healthUrl: string | null;
}

export function substitutePort(text: string, port: number | null): string {
  return port === null ? text : text.replaceAll(PORT_PLACEHOLDER, String(port));
}

export function substituteStopArgv(cmdStop: readonly string[], pid: number, port: number | null): string[] {
  return cmdStop.map((arg) => substitutePort(arg.replaceAll(PID_PLACEHOLDER, String(pid)), port));
}

export function resolveRunTarget(model: ModelConfig, port: number | null): RunTarget {
  const baseUrl = substitutePort(model.proxy, port).replace(/\/+$/, '');
  const endpoint = model.checkEndpoint === null ? null : substitutePort(model.checkEndpoint, port);
  return {
    argv: model.cmd.map((arg) => substitutePort(arg, port)),
    baseUrl,
    healthUrl: endpoint === null ? null : joinUrl(baseUrl, endpoint),
  };
}

function joinUrl(baseUrl: string, path: string): string {
  if (/^https?:\/\//.test(path)) return path;
  return path.startsWith('/') ? `${baseUrl}${path}` : `${baseUrl}/${path}`;
}
