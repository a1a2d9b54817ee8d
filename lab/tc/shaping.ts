/**
 * One direction of a path → the egress qdiscs of the sending interface, as argv arrays.
 *
 * Layout when a rate and netem features are both asked for: netem at the root, tbf as its
 * child (`netem → tbf`). Either nesting delays first and rate-limits second (a parent
 * dequeues from its child), but only this one keeps tbf's byte limit in force: a tbf whose
 * child is netem ignores its own `limit`/`latency` (that only sizes tbf's default bfifo), so
 * the sole bound on the bottleneck queue would be netem's packet limit, which also holds the
 * delay line and counts a 64 KiB GSO super-packet as one packet (seconds of queue at
 * 100mbit). With netem on top, netem's limit covers the delay line and tbf's the bottleneck,
 * as on a real link. netem's own `rate` is not used: it has no burst allowance, is
 * documented as bursty from about 10mbit, and rate must behave the same on hosts without
 * netem, where tbf is the only choice.
 *
 * Every command is `tc qdisc replace`, so the same argv applies at bring-up and at run time.
 * Each layout has its own root handle because `replace` with the same handle but another
 * qdisc kind fails ("Invalid qdisc name: must match existing qdisc"); a different handle
 * makes the kernel build a fresh tree and drop the old one.
 *
 * Without netem, a loss is not made here at all: dropping in the sender's own output path is
 * no loss to TCP (lab/tc/nft-loss.ts), so the runtime puts an nftables drop on the ingress
 * of the hosts RECEIVING this direction. These argvs then carry only the rate (tbf), and
 * the mechanism still reports the loss (`nft-loss`, `tbf+nft-loss`).
 */
import { EnvironmentError } from '../model/errors';
import type { Impairment } from '../model/plan';
import { isOn } from './format';
import { assertIfname } from './ifname';
import { NETEM_DEFAULT_LIMIT, netemFeaturesOf, netemOptions, wantsNetem } from './netem';
import { TBF_LATENCY_MS, WIRE_PACKET_BYTES, tbfLimitBytes, tbfOptions } from './tbf';

export type ShapingMechanism = 'none' | 'tbf' | 'netem' | 'tbf+netem' | 'nft-loss' | 'tbf+nft-loss';

export interface ShapingOptions {
  /** sch_netem is available in the sending host. */
  netem: boolean;
}

export interface ShapingArgv {
  /** tc argv arrays, to run in order in the sending host. */
  argvs: string[][];
  /**
   * How the impairment is made. `nft-loss` / `tbf+nft-loss`: without netem the loss is not
   * in these argvs but an nftables drop at the RECEIVING hosts' ingress (lab/tc/nft-loss.ts,
   * built by the runtime, which knows who receives on the path).
   */
  mechanism: ShapingMechanism;
}

/** Root handles per layout (see the file comment for why they differ). */
export const HANDLES = { tbf: '1:', netem: '2:', netemOverTbf: '3:', tbfUnderNetem: '4:' } as const;

function replaceRoot(dev: string, handle: string, kind: string, opts: string[]): string[] {
  return ['tc', 'qdisc', 'replace', 'dev', dev, 'root', 'handle', handle, kind, ...opts];
}

/**
 * tbf's queue under netem: at least TBF_LATENCY_MS, and at least the one-way delay. netem
 * orphans delayed packets, so the sender loses its local back-pressure and TCP fills the
 * bottleneck queue; a queue of about half a symmetric RTT lets Cubic keep the link busy.
 */
function tbfLatencyUnderNetem(imp: Impairment): number {
  return Math.max(TBF_LATENCY_MS, (imp.delayMs ?? 0) + (imp.jitterMs ?? 0));
}

/**
 * netem's limit counts its delay line and tbf's queue together (in skbs): make it hold both
 * at the rate even in MTU-sized packets, twice over, so netem never drops what nobody asked it to.
 */
function netemLimitOverTbf(imp: Impairment, rateBps: number): number {
  const heldMs = (imp.delayMs ?? 0) + 2 * (imp.jitterMs ?? 0) + tbfLatencyUnderNetem(imp);
  const packets = Math.ceil(((rateBps / 8) * (heldMs / 1000) * 2) / WIRE_PACKET_BYTES);
  return Math.max(NETEM_DEFAULT_LIMIT, packets);
}

function buildTc(dev: string, imp: Impairment, useNetem: boolean): { argvs: string[][]; kind: 'none' | 'tbf' | 'netem' | 'tbf+netem' } {
  const rate = isOn(imp.rateBps) ? imp.rateBps : undefined;
  if (rate !== undefined && useNetem) {
    const latencyMs = tbfLatencyUnderNetem(imp);
    const limit = imp.limitPackets ?? netemLimitOverTbf(imp, rate);
    return {
      kind: 'tbf+netem',
      argvs: [
        replaceRoot(dev, HANDLES.netemOverTbf, 'netem', netemOptions(imp, limit)),
        ['tc', 'qdisc', 'replace', 'dev', dev, 'parent', `${HANDLES.netemOverTbf}1`, 'handle', HANDLES.tbfUnderNetem, 'tbf', ...tbfOptions(rate, { latencyMs })],
      ],
    };
  }
  if (rate !== undefined) {
    const queue = imp.limitPackets !== undefined ? { limitBytes: tbfLimitBytes(rate, imp.limitPackets) } : { latencyMs: TBF_LATENCY_MS };
    return { kind: 'tbf', argvs: [replaceRoot(dev, HANDLES.tbf, 'tbf', tbfOptions(rate, queue))] };
  }
  if (useNetem) {
    return { kind: 'netem', argvs: [replaceRoot(dev, HANDLES.netem, 'netem', netemOptions(imp, imp.limitPackets ?? NETEM_DEFAULT_LIMIT))] };
  }
  // An explicit noqueue is what a veth starts with; replacing with it undoes any earlier shaping.
  return { kind: 'none', argvs: [['tc', 'qdisc', 'replace', 'dev', dev, 'root', 'noqueue']] };
}

/**
 * argv arrays that give traffic leaving `ifname` the impairment (run in the sending host).
 * Without netem, loss falls back to an nftables drop on the receivers' ingress, which the
 * runtime adds there (lab/tc/nft-loss.ts says why not here): the argvs then hold only the
 * rate, and the mechanism says `nft-loss`. Any other netem feature throws EnvironmentError
 * (the runtime should have refused the plan before bring-up, from netemFeaturesOf).
 */
export function buildShapingArgv(ifname: string, impairment: Impairment, opts: ShapingOptions): ShapingArgv {
  const dev = assertIfname(ifname);
  if (!opts.netem) {
    const missing = netemFeaturesOf(impairment);
    if (missing.length > 0) {
      throw new EnvironmentError('sch_netem', 'Use a host whose kernel has sch_netem (CONFIG_NET_SCH_NETEM), or drop these impairments.', `needed for ${missing.join(', ')} on ${ifname}`);
    }
  }
  const useNetem = opts.netem && wantsNetem(impairment);
  const { argvs, kind } = buildTc(dev, impairment, useNetem);
  if (!opts.netem && isOn(impairment.lossPct)) return { argvs, mechanism: kind === 'tbf' ? 'tbf+nft-loss' : 'nft-loss' };
  return { argvs, mechanism: kind };
}

/** argv that removes every egress qdisc of `ifname` (the caller ignores "Cannot delete qdisc with handle of zero" when there was none). */
export function buildClearArgv(ifname: string): string[] {
  return ['tc', 'qdisc', 'del', 'dev', assertIfname(ifname), 'root'];
}
