/**
 * Which middlebox fault modes this host's kernel can run (for `lab doctor`): each mode's
 * rule checked with `nft -c -f -` in a throwaway network namespace (`unshare -n`), so the
 * kernel validates every expression (payload mangling, TCP option reset, reject) and
 * nothing is committed anywhere. The lab hosts share this kernel; the lab image carries
 * the same Debian nft. Probing is the only way to know: a module may be missing.
 */
import { spawn } from 'node:child_process';
import type { FaultMode } from '../model/plan';
import { FAULT_MODES } from '../model/schema';
import { buildFaultArgv, faultScript } from '../tc/faults';

export interface FaultModeProbe {
  mode: FaultMode;
  ok: boolean;
  detail: string;
}

function run(argv: string[], stdin: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', (e) => resolve({ code: -1, out: e.message }));
    p.on('close', (code) => resolve({ code: code ?? -1, out }));
    p.stdin.end(stdin);
  });
}

/** Each fault mode: ok, or the first line nft said. */
export async function probeFaultModes(): Promise<FaultModeProbe[]> {
  return Promise.all(
    FAULT_MODES.map(async (mode) => {
      const argvs = buildFaultArgv([{ ifname: 'lo', saddr: '127.0.0.2', mode, ...(mode === 'rewrite' ? { every: 2 } : {}) }]).filter((a) => a[1] !== 'flush');
      const r = await run(['unshare', '-n', 'nft', '-c', '-f', '-'], faultScript(argvs));
      return { mode, ok: r.code === 0, detail: r.code === 0 ? 'nft -c accepted its rule' : r.out.trim().split('\n')[0] ?? `exit ${r.code}` };
    }),
  );
}
