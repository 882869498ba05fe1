// Builds a supervisor over fake processes and a fake clock, recording what a user would see:
// the state-change sequence and parsed log records.
import { Writable } from 'node:stream';
import type { Config, ModelConfig } from '../../src/config/types.js';
import { createLogger } from '../../src/shared/logger.js';
import { createSupervisor, type SupervisorDeps } from '../../src/supervisor/create-supervisor.js';
import type { Lease, ReloadableSupervisor } from '../../src/supervisor/types.js';
import { makeConfig } from '../helpers/model-config.js';
import { FakeClock } from './fake-clock.js';
import { createFakeFactory, waitForState, type FakeProcess } from './fake-process.js';

export interface LogRecord {
  readonly msg: string;
  readonly model?: string;
  readonly [key: string]: unknown;
}

export interface Harness {
  readonly supervisor: ReloadableSupervisor;
  readonly clock: FakeClock;
  readonly config: Config;
  /** "model:from>to" for every state change the supervisor re-emitted, in order. */
  readonly events: string[];
  readonly logs: LogRecord[];
  /** The model's latest fake process (a reload may have replaced earlier ones). */
  fake(modelId: string): FakeProcess;
  /** Every fake process made for the model, oldest first. */
  fakes(modelId: string): FakeProcess[];
}

export interface HarnessOptions {
  readonly config?: Partial<Config>;
  readonly starvationMs?: number;
  readonly reapOrphans?: SupervisorDeps['reapOrphans'];
}

export function setup(models: ModelConfig[], options: HarnessOptions = {}): Harness {
  const clock = new FakeClock();
  const factory = createFakeFactory();
  const config = makeConfig(models, options.config);
  const logs: LogRecord[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') logs.push(JSON.parse(line) as LogRecord);
      callback();
    },
  });
  const logger = createLogger({ level: 'debug', toStdout: false, destination });
  const supervisor = createSupervisor(config, {
    createProcess: factory.createProcess,
    logger,
    clock,
    ...(options.starvationMs === undefined ? {} : { starvationMs: options.starvationMs }),
    ...(options.reapOrphans === undefined ? {} : { reapOrphans: options.reapOrphans }),
  });
  const events: string[] = [];
  supervisor.on('state', (change) => events.push(`${change.modelId}:${change.from}>${change.to}`));
  return { supervisor, clock, config, events, logs, fake: factory.get, fakes: factory.all };
}

/** Lets every pending promise callback run (not a sleep: nothing here waits on time). */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Tracks whether a promise settled, for asserting "still waiting" after a flush. */
export function track<T>(promise: Promise<T>): { readonly settled: () => boolean; readonly promise: Promise<T> } {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  return { settled: () => settled, promise };
}

/** Acquires a model that is stopped, finishing its start: returns the lease. */
export async function acquireReady(h: Harness, modelId: string): Promise<Lease> {
  const pending = h.supervisor.acquire(modelId);
  const fake = h.fake(modelId);
  if (fake.state !== 'ready') {
    await waitForState(fake, 'starting');
    fake.finishStart();
  }
  return pending;
}
