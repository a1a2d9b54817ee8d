/**
 * A pass's samples as the record's series: per-path link throughput (from the receiver's host
 * veths), their sum, application goodput (the tool's own series when it has one, else the
 * sampled growth of what it received), and established subflows per path. Pure: the runner
 * samples, this shapes what it sampled.
 */
import type { PathSeries, RunRecord, Series } from '../model/record';
import { countersToThroughput } from './throughput';

/** One sample of a pass, on the lab clock relative to the traffic's start. */
export interface PassSample {
  tMs: number;
  value: {
    veth: Record<string, { rxBytes: number; txBytes: number }>;
    subflows: Record<string, number>;
    received?: number;
  };
}

export interface PassSeriesInput {
  paths: ReadonlyArray<{ name: string }>;
  sender: string;
  receiver: string;
  /** The receiver's host-side veth on a path (undefined: no interface there). */
  vethOf: (path: string) => string | undefined;
  /** The tool's own timed goodput (agent progress, iperf3 intervals), when it has one. */
  reportedGoodput?: Series;
}

/** The series of RunRecord that a pass's samples give. */
export function buildPassSeries(rel: readonly PassSample[], input: PassSeriesInput): Pick<RunRecord, 'paths' | 'aggregate' | 'goodput' | 'subflows' | 'subflowsPerPath'> {
  const paths: PathSeries[] = input.paths.map((p) => {
    const v = input.vethOf(p.name) ?? '';
    const series = countersToThroughput(rel, (s) => s.veth[v]?.txBytes ?? 0);
    const first = rel[0]?.value.veth[v];
    const last = rel[rel.length - 1]?.value.veth[v];
    return {
      ...series,
      path: p.name,
      from: input.sender,
      to: input.receiver,
      totalBytes: (last?.txBytes ?? 0) - (first?.txBytes ?? 0),
      reverseBytes: (last?.rxBytes ?? 0) - (first?.rxBytes ?? 0),
    };
  });
  const t = paths[0]?.t ?? [];
  const aggregate: Series = { unit: 'bit/s', t, v: t.map((_, i) => paths.reduce((sum, p) => sum + (p.v[i] ?? 0), 0)) };
  const withReceived = rel.filter((s) => s.value.received !== undefined);
  const goodput: Series =
    input.reportedGoodput ?? (withReceived.length > 1 ? countersToThroughput(withReceived, (v) => v.received ?? 0) : { unit: 'bit/s', t: [], v: [] });
  const times = rel.map((s) => s.tMs);
  const subflowsPerPath: Record<string, Series> = Object.fromEntries(
    input.paths.map((p) => [p.name, { unit: 'count' as const, t: times, v: rel.map((s) => s.value.subflows[p.name] ?? 0) }]),
  );
  const subflows: Series = { unit: 'count', t: times, v: rel.map((s) => Object.values(s.value.subflows).reduce((a, b) => a + b, 0)) };
  return { paths, aggregate, goodput, subflows, subflowsPerPath };
}
