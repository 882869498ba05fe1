// GET /api/performance: the daemon's own CPU and memory, the machine's memory, CPU per core and
// load, and GPU figures when a GPU tool is installed. llama-swap's SysStat/GpuStat field names
// (internal/perf/types.go), one current sample each. CPU percentages cover the time since the
// previous call (or since the probe was made).
import { cpus, freemem, loadavg, totalmem, type CpuInfo } from 'node:os';
import { GpuProbe, type GpuStat } from './gpu-stats.js';

export interface ProcessStat {
  readonly pid: number;
  readonly uptime_s: number;
  readonly cpu_pct: number;
  readonly cpu_user_s: number;
  readonly cpu_system_s: number;
  readonly rss_mb: number;
  readonly heap_used_mb: number;
  readonly heap_total_mb: number;
  readonly external_mb: number;
}

export interface SysStat {
  readonly timestamp: string;
  readonly cpu_util_per_core: readonly number[];
  readonly mem_total_mb: number;
  readonly mem_used_mb: number;
  readonly mem_free_mb: number;
  readonly load_avg_1: number;
  readonly load_avg_5: number;
  readonly load_avg_15: number;
}

export interface PerformanceReport {
  readonly enabled: true;
  readonly process: ProcessStat;
  readonly sys_stats: readonly SysStat[];
  /** Empty when no GPU tool is installed. */
  readonly gpu_stats: readonly GpuStat[];
}

const MB = 1024 * 1024;
const round1 = (value: number): number => Math.round(value * 10) / 10;

function busyShare(before: CpuInfo | undefined, after: CpuInfo): number {
  if (before === undefined) return 0;
  const t0 = before.times;
  const t1 = after.times;
  const busy = t1.user - t0.user + (t1.nice - t0.nice) + (t1.sys - t0.sys) + (t1.irq - t0.irq);
  const total = busy + (t1.idle - t0.idle);
  return total > 0 ? round1((busy / total) * 100) : 0;
}

export class PerformanceProbe {
  private lastCpus = cpus();
  private lastUsage = process.cpuUsage();
  private lastAtMs = performance.now();

  constructor(private readonly gpu: GpuProbe = new GpuProbe()) {}

  async read(): Promise<PerformanceReport> {
    const gpuStats = await this.gpu.read();
    const nowMs = performance.now();
    const usage = process.cpuUsage();
    const elapsedUs = Math.max(1, (nowMs - this.lastAtMs) * 1000);
    const cpuPct = ((usage.user - this.lastUsage.user + usage.system - this.lastUsage.system) / elapsedUs) * 100;
    const cores = cpus();
    const perCore = cores.map((core, i) => busyShare(this.lastCpus[i], core));
    this.lastCpus = cores;
    this.lastUsage = usage;
    this.lastAtMs = nowMs;
    const memory = process.memoryUsage();
    const total = totalmem();
    const free = freemem();
    const [load1 = 0, load5 = 0, load15 = 0] = loadavg();
    return {
      enabled: true,
      process: {
        pid: process.pid,
        uptime_s: round1(process.uptime()),
        cpu_pct: round1(cpuPct),
        cpu_user_s: round1(usage.user / 1e6),
        cpu_system_s: round1(usage.system / 1e6),
        rss_mb: round1(memory.rss / MB),
        heap_used_mb: round1(memory.heapUsed / MB),
        heap_total_mb: round1(memory.heapTotal / MB),
        external_mb: round1(memory.external / MB),
      },
      sys_stats: [
        {
          timestamp: new Date().toISOString(),
          cpu_util_per_core: perCore,
          mem_total_mb: Math.round(total / MB),
          mem_used_mb: Math.round((total - free) / MB),
          mem_free_mb: Math.round(free / MB),
          load_avg_1: load1,
          load_avg_5: load5,
          load_avg_15: load15,
        },
      ],
      gpu_stats: gpuStats,
    };
  }
}
