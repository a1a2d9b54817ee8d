/**
 * A variant applied to a parsed topology, before the semantic checks and the resolution run:
 * its path settings on every direction of every path (the path level and each `from:` entry),
 * its size or duration in place of the traffic's. Timeline impair events keep their own
 * settings: they are the experiment's script, not its starting point. A delay, jitter or loss
 * of 0 removes the setting (netem has nothing to do then); a rate is always set.
 */
import type { Variant, VariantSettings } from '../model/variant';
import type { TopologyParsed } from '../model/schema';
import { sizeText, timeText } from './human';

const FIELDS: ReadonlyArray<[keyof VariantSettings, 'rate' | 'delay' | 'jitter' | 'loss']> = [
  ['rateBps', 'rate'],
  ['delayMs', 'delay'],
  ['jitterMs', 'jitter'],
  ['lossPct', 'loss'],
];

/** A new parsed topology with the variant applied, and the notes saying what it replaced. */
export function applyVariantToTopology(t: TopologyParsed, variant: Variant): { topology: TopologyParsed; notes: string[] } {
  const next = structuredClone(t);
  const s = variant.settings;
  const notes = [`variant: ${variant.label}`];
  for (const path of Object.values(next.paths ?? {})) {
    const directions: Array<Record<string, unknown>> = [path as Record<string, unknown>, ...Object.values(path.from ?? {}).map((d) => d as Record<string, unknown>)];
    for (const [key, field] of FIELDS) {
      const value = s[key];
      if (value === undefined) continue;
      for (const d of directions) {
        if (value === 0 && field !== 'rate') delete d[field];
        else if (d === path || field in d) d[field] = value;
      }
    }
  }
  const tr = next.traffic;
  if (tr && (s.sizeBytes !== undefined || s.durationMs !== undefined)) {
    const before = tr.size !== undefined ? `size ${sizeText(tr.size)}` : tr.duration !== undefined ? `duration ${timeText(tr.duration)}` : 'open end';
    if (s.sizeBytes !== undefined) {
      delete tr.duration;
      tr.size = s.sizeBytes;
      notes.push(`variant size ${sizeText(s.sizeBytes)} replaces the traffic's ${before}`);
    } else if (s.durationMs !== undefined) {
      delete tr.size;
      tr.duration = s.durationMs;
      notes.push(`variant duration ${timeText(s.durationMs)} replaces the traffic's ${before}`);
    }
  }
  return { topology: next, notes };
}
