/**
 * Reading shaping back: `tc -j qdisc show dev IF` (iproute2 6.x JSON) → typed qdiscs, and
 * a comparison with the impairment that was asked for, so the runtime fails loudly when a
 * setting did not take instead of measuring the wrong link. JSON units (iproute2 q_tbf.c,
 * q_netem.c): tbf `rate` in bytes/s; netem times in seconds and percentages as fractions.
 */
import type { Impairment } from '../model/plan';
import { rateToTc } from '../model/units';
import { formatMs, formatPercent, isOn } from './format';
import { netemFeaturesOf } from './netem';

export interface TcQdisc {
  kind: string;
  handle: string;
  /** Absent for the root qdisc. */
  parent?: string;
  root: boolean;
  options: Record<string, unknown>;
}

function toQdisc(raw: unknown): TcQdisc | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  if (typeof r.kind !== 'string') return undefined;
  const options = r.options && typeof r.options === 'object' ? (r.options as Record<string, unknown>) : {};
  const q: TcQdisc = { kind: r.kind, handle: typeof r.handle === 'string' ? r.handle : '', root: r.root === true, options };
  if (typeof r.parent === 'string') q.parent = r.parent;
  return q;
}

/** Parses `tc -j qdisc show dev IF` output; empty output is no qdiscs. Throws on text that is not a JSON array. */
export function parseTcQdiscJson(text: string): TcQdisc[] {
  if (text.trim() === '') return [];
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`tc -j qdisc output is not JSON (${(e as Error).message}): ${text.slice(0, 120)}`);
  }
  if (!Array.isArray(data)) throw new Error(`tc -j qdisc output is not a JSON array: ${text.slice(0, 120)}`);
  return data.map(toQdisc).filter((q): q is TcQdisc => q !== undefined);
}

function normalize(qdiscs: unknown): TcQdisc[] | undefined {
  if (typeof qdiscs === 'string') return parseTcQdiscJson(qdiscs);
  if (Array.isArray(qdiscs)) return qdiscs.map(toQdisc).filter((q): q is TcQdisc => q !== undefined);
  return undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function sub(options: Record<string, unknown>, key: string, field: string): number | undefined {
  const o = options[key];
  return o && typeof o === 'object' ? num((o as Record<string, unknown>)[field]) : undefined;
}

function describeAll(qdiscs: TcQdisc[]): string {
  return qdiscs.length === 0 ? 'none' : qdiscs.map((q) => `${q.kind} ${q.handle}`).join(', ');
}

function checkNetem(imp: Impairment, netem: TcQdisc, problems: string[]): void {
  const o = netem.options;
  const ms = (label: string, want: number | undefined, gotS: number | undefined) => {
    const w = isOn(want) ? want : 0;
    const g = (gotS ?? 0) * 1000;
    if (Math.abs(g - w) > Math.max(0.002, w * 1e-4)) problems.push(`netem ${label} is ${formatMs(g)}, expected ${formatMs(w)}`);
  };
  const pct = (label: string, want: number | undefined, gotFraction: number | undefined) => {
    const w = isOn(want) ? want : 0;
    const g = (gotFraction ?? 0) * 100;
    if (Math.abs(g - w) > Math.max(1e-6, w * 1e-4)) problems.push(`netem ${label} is ${formatPercent(g)}, expected ${formatPercent(w)}`);
  };
  ms('delay', imp.delayMs, sub(o, 'delay', 'delay'));
  ms('jitter', imp.jitterMs, sub(o, 'delay', 'jitter'));
  pct('loss', imp.lossPct, sub(o, 'loss-random', 'loss'));
  pct('corrupt', imp.corruptPct, sub(o, 'corrupt', 'corrupt'));
  pct('duplicate', imp.duplicatePct, sub(o, 'duplicate', 'duplicate'));
  pct('reorder', imp.reorderPct, sub(o, 'reorder', 'reorder'));
  if (imp.limitPackets !== undefined && num(o.limit) !== imp.limitPackets) problems.push(`netem limit is ${String(o.limit)}, expected ${imp.limitPackets}`);
}

/**
 * Problems between the impairment asked for and the qdiscs read back (a `tc -j` array, its
 * text, or anything else, which is itself a problem); empty when everything took.
 * `netem`: whether netem was used for loss; when unknown, a loss with no netem qdisc is
 * taken to be the nftables fallback.
 */
export function verifyShaping(impairment: Impairment, qdiscs: unknown, opts: { netem?: boolean; ifname?: string } = {}): string[] {
  const on = opts.ifname ? ` on ${opts.ifname}` : '';
  const list = normalize(qdiscs);
  if (!list) return [`no qdisc read-back${on} (got ${qdiscs === undefined ? 'nothing' : typeof qdiscs})`];
  const problems: string[] = [];
  const tbf = list.find((q) => q.kind === 'tbf');
  const netem = list.find((q) => q.kind === 'netem');
  const rate = isOn(impairment.rateBps) ? impairment.rateBps : undefined;
  if (rate !== undefined) {
    const gotBytes = tbf ? num(tbf.options.rate) : undefined;
    if (!tbf) problems.push(`expected tbf rate ${rateToTc(rate)}${on}, found ${describeAll(list)}`);
    else if (gotBytes === undefined || Math.abs(gotBytes * 8 - rate) > Math.max(8, rate * 1e-3)) {
      problems.push(`tbf rate${on} is ${gotBytes === undefined ? 'unreadable' : rateToTc(gotBytes * 8)}, expected ${rateToTc(rate)}`);
    }
  } else if (tbf) {
    problems.push(`unexpected tbf ${tbf.handle}${on} (no rate asked for)`);
  }
  const needs = netemFeaturesOf(impairment);
  const lossNeedsNetem = isOn(impairment.lossPct) && opts.netem === true;
  if (netem) {
    const lossMayUseNetem = isOn(impairment.lossPct) && opts.netem !== false;
    if (needs.length === 0 && !lossMayUseNetem) problems.push(`unexpected netem ${netem.handle}${on}`);
    else checkNetem(impairment, netem, problems);
    if (tbf && tbf.parent !== `${netem.handle}1`) problems.push(`tbf ${tbf.handle}${on} should be the child of netem ${netem.handle} (parent ${tbf.parent ?? 'root'})`);
  } else if (needs.length > 0 || lossNeedsNetem) {
    problems.push(`expected netem (${[...needs, ...(isOn(impairment.lossPct) ? ['loss'] : [])].join(', ')})${on}, found ${describeAll(list)}`);
  }
  return problems;
}
