/** What the bench records about the machine and the moment: kernel, CPU, load, Docker. */
import { readFile } from 'node:fs/promises';
import * as os from 'node:os';
import type Docker from 'dockerode';

export interface Machine {
  hostname: string;
  kernel: string;
  cpuModel: string;
  cores: number;
  memGiB: number;
  node: string;
  docker: string;
  dockerApi: string;
}

export interface LoadMark {
  at: string;
  label: string;
  /** 1, 5, 15 minute load averages. */
  loadavg: [number, number, number];
}

export async function machineInfo(docker: Docker): Promise<Machine> {
  const cpuinfo = await readFile('/proc/cpuinfo', 'utf8').catch(() => '');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  const v = await docker.version().catch(() => ({ Version: 'unknown', ApiVersion: 'unknown' }));
  return {
    hostname: os.hostname(),
    kernel: os.release(),
    cpuModel: model,
    cores: os.cpus().length,
    memGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    docker: v.Version,
    dockerApi: v.ApiVersion,
  };
}

export function loadMark(label: string): LoadMark {
  const [a = 0, b = 0, c = 0] = os.loadavg();
  const r = (x: number) => Math.round(x * 100) / 100;
  return { at: new Date().toISOString(), label, loadavg: [r(a), r(b), r(c)] };
}

export function formatLoad(m: LoadMark): string {
  return m.loadavg.map((x) => x.toFixed(2)).join(' ');
}
