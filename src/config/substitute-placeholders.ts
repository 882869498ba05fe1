// Fills the ${PORT} / ${PID} placeholders config leaves in cmd, cmdStop, proxy, checkEndpoint.
import { PID_PLACEHOLDER, PORT_PLACEHOLDER } from './types.js';

export interface PlaceholderValues {
  readonly PORT?: number;
  readonly PID?: number;
}

export function substitutePlaceholders(text: string, values: PlaceholderValues): string {
  let out = text;
  if (values.PORT !== undefined) out = out.replaceAll(PORT_PLACEHOLDER, String(values.PORT));
  if (values.PID !== undefined) out = out.replaceAll(PID_PLACEHOLDER, String(values.PID));
  return out;
}
