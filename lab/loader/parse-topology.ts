/**
 * Schema validation of the parsed YAML. The whole document is validated for problems;
 * each top-level section is also validated on its own, so semantic checks can still run
 * on the sections that are sound while another section has a typo.
 */
import { NAME_PATTERN, Topology, type TopologyParsed } from '../model/schema';
import type { ProblemList } from './problems';
import { addZodProblems, describeValue } from './zod-problems';

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
}

function namesIn(v: unknown): string[] | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.keys(v).filter((k) => NAME_PATTERN.test(k)) : undefined;
}

const TOP_KEYS = Object.keys(Topology.shape);

/** Validates `data` against the Topology schema, adding a problem per issue; returns the sound sections. */
export function parseTopologyData(data: unknown, problems: ProblemList): { sections: Sections; names: KnownNames; complete?: TopologyParsed } {
  if (data === undefined || data === null) {
    problems.add([], `the file is empty: expected a mapping with the keys ${TOP_KEYS.join(', ')}`);
    return { sections: {}, names: { nameGiven: false } };
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    problems.add([], `expected a mapping with the keys ${TOP_KEYS.join(', ')}; got ${describeValue(data)}`);
    return { sections: {}, names: { nameGiven: false } };
  }
  const record = data as Record<string, unknown>;
  const names: KnownNames = { paths: namesIn(record.paths), nameGiven: record.name !== undefined };
  const result = Topology.safeParse(data);
  if (result.success) return { sections: result.data, names, complete: result.data };
  addZodProblems(result.error.issues, Topology, data, problems);
  const sections: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(Topology.shape)) {
    const part = schema.safeParse(record[key]);
    if (part.success) sections[key] = part.data;
  }
  return { sections: sections as Sections, names };
}
