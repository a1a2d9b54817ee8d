/**
 * loadTopology: a topology name or file as a frozen Plan, optionally varied the way the CLI
 * varies it (`--size`, one `--matrix` cell). Overrides go into the loader (LoadOptions.variant)
 * and meet its rules there, so a check the variant cannot run is reported skipped, never
 * silently dropped, and a variant the file's rules refuse is refused the same way.
 */
import { loadTopologyFile } from '../loader';
import type { Plan } from '../model/plan';
import { parseDuration, parsePercent, parseRate, parseSize } from '../model/units';
import type { VariantSettings } from '../model/variant';

/** Overrides in the topology's own units (`'500MB'`, `'100mbit'`, `'20ms'`, `'1%'`) or base units (bytes, bit/s, ms, %). */
export interface TopologyOverrides {
  size?: string | number;
  duration?: string | number;
  rate?: string | number;
  delay?: string | number;
  jitter?: string | number;
  loss?: string | number;
}

/** Loads a topology (name in topologies/, or a path) with the given overrides applied. */
export function loadTopology(nameOrFile: string, overrides: TopologyOverrides = {}): Plan {
  const sizeOverride = overrides.size === undefined ? undefined : parseSize(overrides.size);
  const settings: VariantSettings = {
    ...(overrides.duration !== undefined ? { durationMs: parseDuration(overrides.duration) } : {}),
    ...(overrides.rate !== undefined ? { rateBps: parseRate(overrides.rate) } : {}),
    ...(overrides.delay !== undefined ? { delayMs: parseDuration(overrides.delay) } : {}),
    ...(overrides.jitter !== undefined ? { jitterMs: parseDuration(overrides.jitter) } : {}),
    ...(overrides.loss !== undefined ? { lossPct: parsePercent(overrides.loss) } : {}),
  };
  const label = Object.entries(overrides).filter(([k]) => k !== 'size').map(([k, v]) => `${k}=${v}`).join(' ');
  return loadTopologyFile(nameOrFile, { ...(sizeOverride !== undefined ? { sizeOverride } : {}), ...(Object.keys(settings).length ? { variant: { label, settings } } : {}) });
}
