// GPU figures for /api/performance from nvidia-smi or rocm-smi, whichever is installed (the same
// queries llama-swap's internal/perf runs), in llama-swap's GpuStat field names. Which tool exists
// is found once; readings are cached for cacheMs and concurrent callers share one run, so the
// tools are spawned at most once per cacheMs whatever the polling. No tool: an empty list, not
// an error. A figure the tool reports as N/A is absent.
import { execFile } from 'node:child_process';

export interface GpuStat {
  readonly id: number;
  readonly name: string;
  readonly uuid?: string;
  readonly temp_c?: number;
  readonly gpu_util_pct?: number;
  readonly mem_util_pct?: number;
  readonly mem_used_mb?: number;
  readonly mem_total_mb?: number;
  readonly fan_speed_pct?: number;
  readonly power_draw_w?: number;
}

/** Runs a tool: its stdout, or a rejection (ENOENT when it is not installed). */
export type RunTool = (file: string, args: readonly string[], timeoutMs: number) => Promise<string>;

const runTool: RunTool = (file, args, timeoutMs) =>
  new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 1024 * 1024 }, (error, stdout) => (error === null ? resolve(stdout) : reject(error)));
  });

const NVIDIA_ARGS = ['--query-gpu=index,name,uuid,temperature.gpu,utilization.gpu,memory.used,memory.total,fan.speed,power.draw', '--format=csv,noheader,nounits'];
const ROCM_ARGS = ['-i', '-P', '-t', '-f', '-u', '--showmemuse', '--showmeminfo', 'vram', '--showproductname', '--csv'];
const MB = 1024 * 1024;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function num(raw: string | undefined): number | undefined {
  const value = Number.parseFloat((raw ?? '').trim());
  return Number.isFinite(value) ? value : undefined;
}

function setIfKnown<K extends keyof GpuStat>(stat: Mutable<GpuStat>, key: K, value: GpuStat[K] | undefined): void {
  if (value !== undefined) stat[key] = value;
}

function withMemUtil(stat: Mutable<GpuStat>): GpuStat {
  if (stat.mem_used_mb !== undefined && stat.mem_total_mb !== undefined && stat.mem_total_mb > 0) stat.mem_util_pct = (stat.mem_used_mb / stat.mem_total_mb) * 100;
  return stat;
}

export function parseNvidiaSmi(text: string): GpuStat[] {
  return text
    .split('\n')
    .map((line) => line.split(',').map((f) => f.trim()))
    .filter((fields) => fields.length >= 9 && num(fields[0]) !== undefined)
    .map((f) => {
      const stat: Mutable<GpuStat> = { id: num(f[0]) as number, name: f[1] ?? '', uuid: f[2] ?? '' };
      setIfKnown(stat, 'temp_c', num(f[3]));
      setIfKnown(stat, 'gpu_util_pct', num(f[4]));
      setIfKnown(stat, 'mem_used_mb', num(f[5]));
      setIfKnown(stat, 'mem_total_mb', num(f[6]));
      setIfKnown(stat, 'fan_speed_pct', num(f[7]));
      setIfKnown(stat, 'power_draw_w', num(f[8]));
      return withMemUtil(stat);
    });
}

export function parseRocmSmi(text: string): GpuStat[] {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const header = lines.find((l) => l.startsWith('device,'))?.split(',') ?? [];
  const stats: GpuStat[] = [];
  for (const line of lines) {
    const fields = line.split(',');
    if (line.startsWith('device,') || fields.length !== header.length) continue;
    const col = (name: string): string | undefined => fields[header.indexOf(name)];
    const id = num(col('device')?.replace(/^card/, ''));
    if (id === undefined) continue;
    const series = col('Card Series') ?? col('Device Name');
    const stat: Mutable<GpuStat> = { id, name: series !== undefined && series !== 'N/A' ? `${series} card${id}` : `card${id}` };
    setIfKnown(stat, 'uuid', col('GUID'));
    setIfKnown(stat, 'temp_c', num(col('Temperature (Sensor edge) (C)')));
    setIfKnown(stat, 'gpu_util_pct', num(col('GPU use (%)')));
    setIfKnown(stat, 'fan_speed_pct', num(col('Fan speed (%)')));
    setIfKnown(stat, 'power_draw_w', num(col('Current Socket Graphics Package Power (W)') ?? col('Average Graphics Package Power (W)')));
    const total = num(col('VRAM Total Memory (B)'));
    const used = num(col('VRAM Total Used Memory (B)'));
    setIfKnown(stat, 'mem_total_mb', total === undefined ? undefined : Math.floor(total / MB));
    setIfKnown(stat, 'mem_used_mb', used === undefined ? undefined : Math.floor(used / MB));
    stats.push(withMemUtil(stat));
  }
  return stats;
}

const TOOLS = [
  { file: 'nvidia-smi', args: NVIDIA_ARGS, parse: parseNvidiaSmi },
  { file: 'rocm-smi', args: ROCM_ARGS, parse: parseRocmSmi },
] as const;

type Tool = (typeof TOOLS)[number];

const isNotInstalled = (error: unknown): boolean => (error as { code?: unknown } | null)?.code === 'ENOENT';

export class GpuProbe {
  /** undefined: not looked for yet; null: none installed. */
  private tool: Tool | null | undefined;
  private cached: { readonly atMs: number; readonly stats: readonly GpuStat[] } | null = null;
  private running: Promise<readonly GpuStat[]> | null = null;

  constructor(
    private readonly run: RunTool = runTool,
    private readonly cacheMs = 2000,
    private readonly timeoutMs = 3000,
  ) {}

  read(nowMs = Date.now()): Promise<readonly GpuStat[]> {
    if (this.tool === null) return Promise.resolve([]);
    if (this.cached !== null && nowMs - this.cached.atMs < this.cacheMs) return Promise.resolve(this.cached.stats);
    this.running ??= this.query().then((stats) => {
      this.cached = { atMs: Date.now(), stats };
      this.running = null;
      return stats;
    });
    return this.running;
  }

  private async query(): Promise<readonly GpuStat[]> {
    const candidates: readonly Tool[] = this.tool === undefined || this.tool === null ? TOOLS : [this.tool];
    for (const tool of candidates) {
      try {
        const stats = tool.parse(await this.run(tool.file, tool.args, this.timeoutMs));
        this.tool = tool;
        return stats;
      } catch (error) {
        if (!isNotInstalled(error)) {
          this.tool = tool;
          return []; // installed but failing (no driver, timed out): nothing this time
        }
      }
    }
    this.tool = null;
    return [];
  }
}
