/**
 * Finished runs for the matrix/repeat writers' tests: realistic seed records (buildSeedRecord)
 * with their real check results (evaluateChecks), labelled as the CLI loop labels them.
 */
import { evaluateChecks } from '../../checks';
import { buildSeedRecord, type SeedOptions } from '../../checks/__fixtures__/seed-record';
import type { LabelledRun } from '../../run/repeat';

/** One run of a variant: run `i` (0-based) gets its own runId and report folder. */
export function seedRun(label: string, i: number, o: SeedOptions = {}): LabelledRun {
  const record = buildSeedRecord(o);
  record.runId = `${record.runId}-${label.replace(/\W+/g, '')}-${i + 1}`;
  record.startedAt = `2025-01-01T12:0${i}:00.000Z`;
  return { label, record, checks: evaluateChecks(record), outDir: `/reports/seed/${label.replace(/[ %]/g, '_')}/run-${i + 1}` };
}

/**
 * Two variants, three runs each. rate=100mbit (250 MB) is steady and passes; rate=1gbit
 * (2.5 GB) has one run whose failover takes 1.5 s (allowed 1 s) and one with a 0.9 s stall
 * (shorter than the stall check's 1 s): its failover check is flaky, and its goodput spreads.
 */
export function twoVariantRuns(): LabelledRun[] {
  return [
    seedRun('rate=100mbit', 0, { rateBps: 1e8, sizeBytes: 2.5e8 }),
    seedRun('rate=100mbit', 1, { rateBps: 1e8, sizeBytes: 2.5e8, failoverMs: 300 }),
    seedRun('rate=100mbit', 2, { rateBps: 1e8, sizeBytes: 2.5e8, failoverMs: 250 }),
    seedRun('rate=1gbit', 0, { failoverMs: 200 }),
    seedRun('rate=1gbit', 1, { failoverMs: 1500 }),
    seedRun('rate=1gbit', 2, { failoverMs: 300, stall: { fromMs: 7500, durationMs: 900 } }),
  ];
}
