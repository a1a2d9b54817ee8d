/**
 * YAML topology → frozen Plan. Stages: YAML (syntax, duplicate keys) → schema (strict, units)
 * → semantic checks → resolution. Every problem of a stage is collected and thrown as one
 * TopologyError; a later stage runs only on what the earlier ones could read.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TopologyError } from '../model/errors';
import { deepFreeze, type Plan } from '../model/plan';
import { isEmptyVariant, type Variant } from '../model/variant';
import { applyVariantToTopology } from './apply-variant';
import { NAME_PATTERN } from '../model/schema';
import { checkChecks } from './check-checks';
import { checkImpairments } from './check-impairments';
import { checkStructure } from './check-structure';
import { checkSubnets } from './check-subnets';
import { checkTimeline } from './check-timeline';
import { sizeText } from './human';
import { parseTopologyData } from './parse-topology';
import { ProblemList } from './problems';
import { resolvePlan } from './resolve-plan';
import { displayPath, isBareName, listTopologyFiles, topologyPath } from './topology-files';
import { formatYamlPath } from './yaml-path';
import { readYamlSource } from './yaml-source';

export interface LoadOptions {
  /** Bytes; replaces the traffic's size (from `--size`). Events the smaller transfer cannot reach are dropped with a note. */
  sizeOverride?: number;
  /**
   * A variant (one `--matrix` cell, loadTopology's overrides): applied to the parsed topology
   * before every rule below runs, so a variant is judged as the file is (netem's needs, jitter
   * without a delay, events the traffic can no longer reach and the checks that watch them). Its
   * size or duration wins over `sizeOverride`.
   */
  variant?: Variant;
}

/** Loads `<repo>/topologies/<name>.yaml` for a bare name, or the given file path, into a frozen Plan. */
export function loadTopologyFile(fileOrName: string, opts: LoadOptions = {}): Plan {
  const absolute = topologyPath(fileOrName);
  const shown = displayPath(absolute);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (e) {
    const known = listTopologyFiles().map((f) => path.basename(f, '.yaml'));
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    const hint = isBareName(fileOrName) ? `; known topologies: ${known.join(', ') || '(none)'}` : '';
    throw new TopologyError([{ file: shown, path: '', message: `cannot read the topology: ${reason}${hint}` }]);
  }
  return buildPlan(text, shown, absolute, opts);
}

/** Loads topology text into a frozen Plan; `file` names it in problems and becomes `plan.source`. */
export function loadTopologyText(text: string, file: string, opts: LoadOptions = {}): Plan {
  return buildPlan(text, file, file, opts);
}

function buildPlan(text: string, shown: string, source: string, opts: LoadOptions): Plan {
  checkSizeOverride(opts.sizeOverride);
  const yaml = readYamlSource(text);
  if (yaml.syntaxProblems.length > 0) {
    throw new TopologyError(yaml.syntaxProblems.map((p) => ({ file: shown, line: p.line, col: p.col, path: formatYamlPath(p.path), message: p.message })));
  }
  const problems = new ProblemList(shown, yaml.locate);
  const parsed = parseTopologyData(yaml.data, problems);
  const { names, notTopology } = parsed;
  if (notTopology) problems.throwIfAny();
  const variant = isEmptyVariant(opts.variant) ? undefined : opts.variant;
  let { sections, complete } = parsed;
  let variantNotes: string[] = [];
  if (variant && complete) {
    // Only a topology that parsed whole is varied: a broken file's problems are its own.
    ({ topology: complete, notes: variantNotes } = applyVariantToTopology(complete, variant));
    sections = complete;
  }
  const variesTraffic = variant !== undefined && (variant.settings.sizeBytes !== undefined || variant.settings.durationMs !== undefined);
  const sizeOverride = variesTraffic ? undefined : opts.sizeOverride;
  if (variesTraffic && opts.sizeOverride !== undefined) variantNotes.push(`--size ${sizeText(opts.sizeOverride)} gives way to the variant's traffic (${variant!.label})`);
  // What varies the lab, as the notes and skip reasons name it: `--size 200 MB`, `rate=100mbit`.
  const overrideLabel = [variant?.label, sizeOverride !== undefined ? `--size ${sizeText(sizeOverride)}` : undefined].filter(Boolean).join(' ') || undefined;
  const ctx = { s: sections, names, problems };
  checkStructure(ctx);
  checkSubnets(ctx);
  checkImpairments(ctx);
  checkTimeline(ctx, overrideLabel !== undefined);
  checkChecks(ctx);
  // An invalid `name:` is already a problem; only an absent one defaults to the file name.
  const name = names.nameGiven ? sections.name : nameFromFile(shown, problems);
  if (variant) problems.prefixAll(`with the variant ${variant.label}: `);
  problems.throwIfAny();
  if (!complete || !name) throw new Error('buildPlan: an incomplete topology passed every check'); // unreachable by construction
  return deepFreeze(resolvePlan(complete, name, source, { sizeOverride, overrideLabel, notes: variantNotes }));
}

/** The lab's name defaults to the file name, which must then be a valid name itself. */
function nameFromFile(file: string, problems: ProblemList): string | undefined {
  if (file === '<inline>') return 'inline';
  const base = path.basename(file).replace(/\.ya?ml$/i, '');
  if (NAME_PATTERN.test(base)) return base;
  const suggestion = base.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '').slice(0, 15) || 'lab';
  problems.add(['name'], `the file name "${base}" is not a valid lab name (a lowercase letter, then up to 14 lowercase letters, digits or "-"); add name: ${suggestion}`);
  return undefined;
}

function checkSizeOverride(size: number | undefined): void {
  if (size === undefined) return;
  let message: string | undefined;
  if (!Number.isInteger(size) || size <= 0) message = `expected a size greater than 0, such as 200MB; got ${size} bytes`;
  else if (size > 64e9) message = `a size above 64 GB does not fit a RAM disk on a lab host; got ${sizeText(size)}`;
  if (message) throw new TopologyError([{ file: '--size', path: '', message }]);
}
