/** Shared helpers for the suites: real Docker, real labs, and proof that nothing is left behind. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connectDocker } from '../lab/runtime/docker-client';
import { listLabObjects } from '../lab/runtime/clean';
import type { RunningLab } from '../lab/runtime/types';

/** Containers and networks carrying the project's labels (optionally of one run). */
export async function leftovers(runId?: string): Promise<{ containers: string[]; networks: string[] }> {
  return listLabObjects(await connectDocker(), runId);
}

/** Runs argv in a lab host and returns stdout; throws with stderr on failure. */
export async function sh(lab: RunningLab, host: string, argv: string[]): Promise<string> {
  const r = await lab.exec(host, argv, { timeoutMs: 20_000 });
  if (r.exitCode !== 0) throw new Error(`${argv.join(' ')} in ${host} failed (${r.exitCode}): ${r.stderr}`);
  return r.stdout;
}

/** The operational state of an interface inside a host, read from the host's /proc/PID/root (no exec). */
export function carrierOf(lab: RunningLab, host: string, path: string): string {
  const h = lab.hosts[host]!;
  const ifname = h.interfaces[path]!.ifname;
  return readFileSync(`/proc/${h.pid}/root/sys/class/net/${ifname}/operstate`, 'utf8').trim();
}

/** One ping from a lab host to an address of another lab host (never outside the lab). */
export async function pingOk(lab: RunningLab, from: string, toAddress: string): Promise<boolean> {
  const r = await lab.exec(from, ['ping', '-c', '1', '-W', '1', toAddress], { timeoutMs: 5000 });
  return r.exitCode === 0;
}

/** `ip -br link` on the Docker host, for a veth's state. */
export function hostLinkState(veth: string): string {
  return execFileSync('ip', ['-br', 'link', 'show', 'dev', veth], { encoding: 'utf8' }).trim();
}
