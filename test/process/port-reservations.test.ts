import { describe, expect, it } from 'vitest';
import { allocatePort, PortReservations } from '../../src/process/port-reservations.js';
import { randomStartPort } from '../helpers/random-start-port.js';

describe('allocatePort', () => {
  it('does not hand a just-released port out again: the search goes on after the last one', async () => {
    const ports = new PortReservations();
    const startPort = randomStartPort();
    const first = await allocatePort(startPort, ports);
    ports.release(first);
    const second = await allocatePort(startPort, ports);
    ports.release(second);
    expect(first).toBeGreaterThanOrEqual(startPort);
    expect(second).toBeGreaterThan(first);
    expect(second).toBeLessThanOrEqual(startPort + 1000);
    expect(ports.ports.size).toBe(0);
  });
});
