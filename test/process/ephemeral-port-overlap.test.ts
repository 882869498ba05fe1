import { describe, expect, it } from 'vitest';
import { describeEphemeralOverlap, parsePortRange, readEphemeralPortRange } from '../../src/process/ephemeral-port-overlap.js';

describe('ephemeral port overlap warning', () => {
  it('reads the Linux range file format', () => {
    expect(parsePortRange('32768\t60999\n')).toEqual([32768, 60999]);
    expect(parsePortRange('garbage')).toBeNull();
    expect(parsePortRange('60999 32768')).toBeNull();
    expect(readEphemeralPortRange()).toEqual([expect.any(Number), expect.any(Number)]); // this machine is Linux
  });

  it('warns when the searched ports reach into the range, and names a start port that does not', () => {
    const range = [32768, 60999] as const;
    expect(describeEphemeralOverlap(5800, range)).toBeNull(); // llama-swap's default
    expect(describeEphemeralOverlap(31767, range)).toBeNull(); // searches up to 32767
    expect(describeEphemeralOverlap(31768, range)).toContain('overlap the OS\'s ephemeral port range 32768–60999');
    expect(describeEphemeralOverlap(40000, range)).toContain('a startPort of 31767 or lower avoids it');
    expect(describeEphemeralOverlap(61000, range)).toBeNull();
    expect(describeEphemeralOverlap(40000, null)).toBeNull();
  });
});
