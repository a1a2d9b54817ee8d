/**
 * Kernel modules the guest needs, listed in one place, and their load order as the host's
 * `modprobe -S KVER --show-depends` resolves it (dependencies first, each .ko once).
 * Boot modules must load (or be built in) for the guest to reach the host's root over 9p;
 * lab modules are what topologies use (qdiscs, classifiers, actions, veth, nftables, ss -M's
 * diag modules) and may be missing: the guest's own probes then say what does not work.
 */
import { spawn } from 'node:child_process';
import { EnvironmentError } from '../../model/errors';
import { VM_INSTALL_HINT } from './install-hint';

/** Needed to boot: the virtio PCI transport, 9p over virtio (the host's root and the output share), overlayfs. */
export const BOOT_MODULES: readonly string[] = ['virtio_pci', '9pnet_virtio', '9p', 'overlay'];

/** What the lab's runtimes, shaping, cuts and observers use inside the guest. */
export const LAB_MODULES: readonly string[] = [
  'veth', 'dummy', 'bridge', 'ifb',
  'sch_netem', 'sch_tbf', 'sch_htb', 'sch_ingress', 'sch_prio', 'sch_fq', 'sch_fq_codel',
  'cls_u32', 'cls_bpf', 'cls_matchall', 'act_pedit', 'act_gact', 'act_mirred',
  'nf_tables', 'nft_numgen', 'nft_reject_inet',
  'inet_diag', 'tcp_diag', 'mptcp_diag',
];

/** One `insmod` the guest's init runs: a .ko path under the modules root, and its parameters. */
export interface ModuleLoad {
  /** Absolute on the host, e.g. /lib/modules/6.1.0-57-amd64/kernel/net/sched/sch_netem.ko (the same path inside the initramfs). */
  path: string;
  params: string[];
}

/** What `--show-depends` said: loads in order, names built into the kernel, names it does not know. */
export interface ResolvedModules {
  loads: ModuleLoad[];
  builtin: string[];
  missing: string[];
}

/** Parses `modprobe -a --show-depends` output (stdout: insmod/builtin lines; stderr: "Module X not found"), each .ko once, first position kept. */
export function parseShowDepends(stdout: string, stderr = ''): ResolvedModules {
  const loads: ModuleLoad[] = [];
  const seen = new Set<string>();
  const builtin: string[] = [];
  for (const line of stdout.split('\n')) {
    const words = line.trim().split(/\s+/).filter(Boolean);
    if (words[0] === 'insmod' && words[1]) {
      if (seen.has(words[1])) continue;
      seen.add(words[1]);
      loads.push({ path: words[1], params: words.slice(2) });
    } else if (words[0] === 'builtin' && words[1]) {
      if (!builtin.includes(words[1])) builtin.push(words[1]);
    }
  }
  const missing = [...stderr.matchAll(/Module (\S+) not found/g)].map((m) => m[1]!);
  return { loads, builtin, missing: [...new Set(missing)] };
}

/** argv resolving `names` for kernel `version` with modules under `base`/lib/modules/`version`. */
export function showDependsArgv(version: string, names: readonly string[], base = '/'): string[] {
  return ['modprobe', '-a', '-d', base, '-S', version, '--show-depends', ...names];
}

/**
 * Resolves boot and lab modules on the host. A boot module that is neither built in nor
 * found is an EnvironmentError (the guest could not mount its root); missing lab modules are
 * returned in `missing`.
 */
export async function resolveModules(version: string, base = '/', names: readonly string[] = [...BOOT_MODULES, ...LAB_MODULES]): Promise<ResolvedModules> {
  const argv = showDependsArgv(version, names, base);
  const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    const p = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', (e) => reject(new EnvironmentError('modprobe (kmod)', 'Install it with: apt-get install kmod', e.message)));
    p.on('close', () => resolve({ stdout: out, stderr: err }));
  });
  const resolved = parseShowDepends(stdout, stderr);
  const bootMissing = BOOT_MODULES.filter((m) => names.includes(m) && resolved.missing.includes(m));
  if (bootMissing.length > 0) {
    throw new EnvironmentError(
      `kernel modules ${bootMissing.join(', ')} for kernel ${version}`,
      `A guest kernel needs them built in or as modules under ${base.replace(/\/$/, '')}/lib/modules/${version}. ${VM_INSTALL_HINT}`,
      stderr.trim().split('\n').slice(0, 3).join('; '),
    );
  }
  return resolved;
}
