/** Two seed runs as their result.json documents, for the comparison's tests: A aggregates, B fails over slowly and never recovers. */
import { evaluateChecks } from '../../checks';
import { buildSeedRecord } from '../../checks/__fixtures__/seed-record';
import type { RunDoc } from '../compare-data';
import { renderResultJson } from '../result-json';

export function twoRuns(): [RunDoc, RunDoc] {
  const docOf = (record: ReturnType<typeof buildSeedRecord>, runId: string, counters: Record<string, number>): RunDoc => {
    const r = { ...record, runId, counters: { pc1: { 'MPTcpExt.MPJoinAckRx': 1, ...counters }, pc2: { 'MPTcpExt.MPCapableSYNTX': 1 } } };
    return JSON.parse(renderResultJson(r, evaluateChecks(r))) as RunDoc;
  };
  return [
    docOf(buildSeedRecord(), 'run-a', { 'MPTcpExt.DSSNoMatchTCP': 0 }),
    docOf(buildSeedRecord({ failoverMs: 2500, recoveryMs: Infinity }), 'run-b', { 'MPTcpExt.DSSNoMatchTCP': 2 }),
  ];
}
