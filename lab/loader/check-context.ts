/** What every semantic check receives: the sound sections, where to put problems and notes. */
import type { KnownNames, Sections } from './parse-topology';
import type { ProblemList } from './problems';

export interface CheckContext {
  s: Sections;
  /** Path names as written, for reference checks when a path body failed the schema. */
  names: KnownNames;
  problems: ProblemList;
}

/** The lab's limits: each host gets one interface per path, and tc/Docker costs grow with both. */
export const MAX_HOSTS = 8;
export const MAX_PATHS = 8;
