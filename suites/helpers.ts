/** Shared helpers for the suites: real Docker, real labs, and proof that nothing is left behind. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connectDocker } from '../lab/runtime/docker-client';
import { listLabObjects } from '../lab/runtime/clean';
import type { RunningLab } from '../lab/runtime/types';

/**
 * Containers and networks carrying the project's labels, created by this process by default
 * (other runs on the same engine are not ours to judge), or by the given owner pid.
 */
export async function leftovers(ownerPid: number = process.pid): Promise<{ containers: string[]; networks: string[] }> {
  return listLabObjects(await connectDocker(), { ownerPid });
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

/** Three pings (0.2 s apart) from a lab host to an address on this machine; true when any is answered. */
export async function pingOk(lab: RunningLab, from: string, toAddress: string): Promise<boolean> {
  const r = await lab.exec(from, ['ping', '-n', '-c', '3', '-i', '0.2', '-W', '1', toAddress], { timeoutMs: 8000 });
  return r.exitCode === 0;
}

/** Polls an interface's operstate inside a host until it is `want` (linkwatch applies carrier-up lazily, up to ~1 s). */
export async function waitCarrier(lab: RunningLab, host: string, path: string, want: 'up' | 'down', timeoutMs = 3000): Promise<string> {
  const start = Date.now();
  let state = carrierOf(lab, host, path);
  while (state !== want && Date.now() - start < timeoutMs) {
    await new Promise((r) => setTimeout(r, 50));
    state = carrierOf(lab, host, path);
  }
  return state;
}

/** `ip -br link` on the Docker host, for a veth's state. */
export function hostLinkState(veth: string): string {
  return execFileSync('ip', ['-br', 'link', 'show', 'dev', veth], { encoding: 'utf8' }).trim();
}
