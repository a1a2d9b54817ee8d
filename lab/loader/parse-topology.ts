/**
 * Schema validation of the parsed YAML. The whole document is validated for problems;
 * each top-level section is also validated on its own, so semantic checks can still run
 * on the sections that are sound while another section has a typo. A section whose only
 * fault is unknown keys is used without them ("salvaged"), so a typo in one host does not
 * hide the semantic problems of the others: every problem at once.
 */
import type { z } from 'zod';
import { NAME_PATTERN, Topology, type TopologyParsed } from '../model/schema';
import type { ProblemList } from './problems';
import { formatYamlPath, type YamlPath } from './yaml-path';
import { addZodProblems, valueAt } from './zod-problems';

/** The sections that passed the schema; a section that failed (or is absent and optional) is undefined. */
export type Sections = Partial<TopologyParsed>;

/**
 * What is known about the document even when a section failed the schema: path names as
 * written (valid names only), so references to paths can still be checked, and whether
 * `name` was given at all.
 */
export interface KnownNames {
  paths?: string[];
  nameGiven: boolean;
  /**
   * YAML paths (formatted) of objects used without their unknown keys. A check that reasons
   * from an absence (no rate, no cut) must not trust these: the unknown key may be the typo
   * of the very thing it misses.
   */
  salvaged: string[];
}

/** The keys a topology has; a mapping with none of them is not a topology at all. */
const TOPOLOGY_KEYS = ['description', 'hosts', 'paths', 'traffic'] as const;

function namesIn(v: unknown): string[] | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.keys(v).filter((k) => NAME_PATTERN.test(k)) : undefined;
}

const TOP_KEYS = Object.keys(Topology.shape);

export interface ParsedTopology {
  sections: Sections;
  names: KnownNames;
  complete?: TopologyParsed;
  /** The document is not a topology at all (one problem says so): no further stage runs. */
  notTopology?: boolean;
}

/** Validates `data` against the Topology schema, adding a problem per issue; returns the sound sections. */
export function parseTopologyData(data: unknown, problems: ProblemList): ParsedTopology {
  if (data === undefined || data === null) {
    problems.add([], `the file is empty: expected a mapping with the keys ${TOP_KEYS.join(', ')}`);
    return { sections: {}, names: { nameGiven: false, salvaged: [] }, notTopology: true };
  }
  const record = data as Record<string, unknown>;
  if (typeof data !== 'object' || Array.isArray(data) || !TOPOLOGY_KEYS.some((k) => k in record)) {
    // Whatever file this is (a list, a text, /etc/shadow read as YAML), its contents are not echoed back.
    problems.add([], `${problems.file} is not a topology (expected a YAML mapping with ${TOPOLOGY_KEYS.join(', ')})`);
    return { sections: {}, names: { nameGiven: false, salvaged: [] }, notTopology: true };
  }
  const names: KnownNames = { paths: namesIn(record.paths), nameGiven: record.name !== undefined, salvaged: [] };
  const result = Topology.safeParse(data);
  if (result.success) return { sections: result.data, names, complete: result.data };
  addZodProblems(result.error.issues, Topology, data, problems);
  const sections: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(Topology.shape)) {
    const part = schema.safeParse(record[key]);
    if (part.success) {
      sections[key] = part.data;
      continue;
    }
    const salvage = withoutUnknownKeys(record[key], part.error.issues);
    if (!salvage) continue;
    const again = schema.safeParse(salvage.value);
    if (!again.success) continue;
    sections[key] = again.data;
    names.salvaged.push(...salvage.at.map((at) => formatYamlPath([key, ...at])));
  }
  // A problem the salvage itself causes (an event left with no action because `kut` was dropped)
  // would repeat the unknown-key problem in other words: none is reported at a salvaged object.
  problems.quietAt(names.salvaged);
  return { sections: sections as Sections, names };
}

type Issue = z.core.$ZodIssue;

/** `value` with the keys the issues name as unknown removed, when those are its only issues; undefined otherwise. */
function withoutUnknownKeys(value: unknown, issues: readonly Issue[]): { value: unknown; at: YamlPath[] } | undefined {
  if (issues.length === 0 || !issues.every((i) => i.code === 'unrecognized_keys')) return undefined;
  const copy = structuredClone(value);
  const at: YamlPath[] = [];
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys') return undefined;
    const path = issue.path.filter((seg): seg is string | number => typeof seg !== 'symbol');
    const holder = valueAt(copy, path);
    if (typeof holder !== 'object' || holder === null) return undefined;
    for (const key of issue.keys) delete (holder as Record<string, unknown>)[key];
    at.push(path);
  }
  return { value: copy, at };
}
