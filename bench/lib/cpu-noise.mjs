// How busy the machine is with work that is not ours: CPU time used by everything during a
// short window in which the benchmark itself runs nothing. Other jobs on a 2-core machine move
// every figure, so each benchmark records this next to its results.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

function readCpuTicks() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = fields[3] + (fields[4] ?? 0); // idle + iowait
  const total = fields.reduce((sum, x) => sum + x, 0);
  return { idle, total };
}

// Percent of all cores busy during windowMs (0–100).
export async function measureBusyCpuPercent(windowMs = 500) {
  const before = readCpuTicks();
  await sleep(windowMs);
  const after = readCpuTicks();
  const total = after.total - before.total;
  return total === 0 ? 0 : (100 * (total - (after.idle - before.idle))) / total;
}
