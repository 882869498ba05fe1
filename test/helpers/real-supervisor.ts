// A supervisor over real model processes (no fakes), as the daemon builds it, for tests.
import type { Config } from '../../src/config/types.js';
import { createModelProcess } from '../../src/process/model-process.js';
import { PortReservations } from '../../src/process/port-reservations.js';
import { LogHub } from '../../src/shared/log-hub.js';
import { silentLogger, type Logger } from '../../src/shared/logger.js';
import { createSupervisor } from '../../src/supervisor/create-supervisor.js';
import type { Supervisor } from '../../src/supervisor/types.js';

export function createRealSupervisor(
  config: Config,
  options: { readonly starvationMs?: number } = {},
): { supervisor: Supervisor; hub: LogHub; logger: Logger } {
  const hub = new LogHub();
  const ports = new PortReservations();
  const logger = silentLogger();
  const supervisor = createSupervisor(config, {
    logger,
    createProcess: (model) => createModelProcess(model, { logger, hub, ports, startPort: config.startPort }),
    ...options,
  });
  return { supervisor, hub, logger };
}
