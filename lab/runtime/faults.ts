/**
 * Middlebox faults on a running lab, shared by the Docker and netns runtimes: the faults in
 * force per path, turned into each receiving host's whole nftables fault chain
 * (lab/tc/faults.ts) and run there as one `nft -f -` script through the host's exec.
 * Not the agent's `configure`: starting Node in a container took 2.0-2.2 s per event while
 * the transfer loaded both cores (a fault planned at 1 s took effect at 3.0 s); one nft exec
 * is one transaction and a fraction of that.
 */
import { EnvironmentError, LabError } from '../model/errors';
import type { PlanFault } from '../model/plan';
import { buildFaultArgv, describeFault, faultRulesByHost, faultScript, NFT_FAULT_TABLE, type FaultPathEnd } from '../tc/faults';
import type { LabHost } from './types';

/** Runs argv in a host with stdin (RunningLab.exec). */
export type ExecIn = (host: string, argv: readonly string[], opts: { stdin: string; timeoutMs: number }) => Promise<{ exitCode: number; stdout: string; stderr: string }>;

/** The faults in force on a lab, by path, and the hosts' chains rewritten from them. */
export class FaultState {
  private readonly inForce = new Map<string, PlanFault>();

  constructor(
    private readonly hosts: Readonly<Record<string, LabHost>>,
    private readonly exec: ExecIn,
  ) {}

  /** One `nft -f -` (or `nft -c -f -`) in a host: the whole script as one transaction, one exec. */
  private async nft(host: string, argvs: string[][], check: boolean): Promise<void> {
    const r = await this.exec(host, check ? ['nft', '-c', '-f', '-'] : ['nft', '-f', '-'], { stdin: faultScript(argvs), timeoutMs: 10_000 });
    if (r.exitCode !== 0) throw new LabError(`${host}: nft -f refused the fault rules (exit ${r.exitCode}): ${r.stderr.trim() || r.stdout.trim()}`);
  }

  private ends(path: string): FaultPathEnd[] {
    return Object.values(this.hosts).flatMap((h) => {
      const i = h.interfaces[path];
      return i ? [{ host: h.name, ifname: i.ifname, address: i.address }] : [];
    });
  }

  /** Applies (or, with null, removes) `path`'s fault; `check` asks nft only (nft -c). */
  async set(path: string, fault: PlanFault | null, opts: { check?: boolean } = {}): Promise<void> {
    const on = this.ends(path);
    if (on.length === 0) throw new LabError(`fault: no host has an interface on path ${path}`);
    const next = new Map(this.inForce);
    if (fault) next.set(path, fault);
    else next.delete(path);
    let byHost;
    try {
      byHost = faultRulesByHost(opts.check && fault ? new Map([[path, fault]]) : next, (p) => this.ends(p));
    } catch (e) {
      throw new LabError((e as Error).message, { cause: e });
    }
    // Every host on the path is rewritten (a host that held the old fault and holds none now is emptied).
    const hosts = new Set([...on.map((e) => e.host), ...byHost.keys()]);
    if (opts.check) {
      if (!fault) return;
      await Promise.all(
        [...byHost].map(async ([host, rules]) => {
          // One nft invocation, commands joined by ';': checked as one transaction against the kernel, nothing committed.
          try {
            // Nothing to flush in a check (the chain may not exist yet); nothing is committed.
            await this.nft(host, buildFaultArgv(rules, NFT_FAULT_TABLE).filter((a) => a[1] !== 'flush'), true);
          } catch (e) {
            throw new EnvironmentError(
              `nftables support for the ${fault.mode} fault (${NEEDS[fault.mode]}) in ${host}`,
              'run the lab on a kernel with nf_tables and that expression (Linux ≥ 5.17 with CONFIG_NF_TABLES_INET, CONFIG_NFT_REJECT_INET) and nft ≥ 1.0 in the lab image; `npm run lab -- doctor` lists the fault modes this host can run',
              `checked at start with nft -c, before the traffic: the ${fault.mode} fault on ${path}: ${(e as Error).message.split('\n')[0]}`,
            );
          }
        }),
      );
      return;
    }
    await Promise.all([...hosts].map((host) => this.nft(host, buildFaultArgv(byHost.get(host) ?? []), false)));
    if (fault) this.inForce.set(path, fault);
    else this.inForce.delete(path);
  }

  /** What is in force, for messages: `vlan181: rewrite of traffic from pc1`. */
  describe(): string {
    return [...this.inForce].map(([p, f]) => `${p}: ${describeFault(f)}`).join('; ') || 'none';
  }
}

/** What each mode needs from the kernel, for the refusal's message. */
const NEEDS: Record<PlanFault['mode'], string> = {
  rewrite: 'payload mangling of the inner header (@ih, kernel ≥ 5.16) and numgen',
  'strip-options': 'TCP option reset (nft_exthdr, kernel ≥ 5.17)',
  'drop-syn-mptcp': 'TCP option matching (nft_exthdr)',
  reset: 'reject with tcp reset (nft_reject_inet)',
};

