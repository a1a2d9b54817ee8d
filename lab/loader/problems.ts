/**
 * Collects every problem found in a topology before failing, each located in the source,
 * so one run of `validate` shows all of them rather than the first.
 */
import { TopologyError, type TopologyProblem } from '../model/errors';
import type { Anchor, Position } from './yaml-source';
import { formatYamlPath, type YamlPath } from './yaml-path';

export type Locate = (path: YamlPath, anchor?: Anchor) => Position;

export class ProblemList {
  private readonly list: TopologyProblem[] = [];
  private readonly quiet = new Set<string>();

  constructor(
    readonly file: string,
    private readonly locate: Locate,
  ) {}

  /** Records a problem at `path`; `anchor: 'key'` points at the mapping key rather than its value. */
  add(path: YamlPath, message: string, anchor: Anchor = 'value'): void {
    const { line, col } = this.locate(path, anchor);
    const problem: TopologyProblem = { file: this.file, line, col, path: formatYamlPath(path), message };
    if (this.quiet.has(problem.path)) return;
    if (!this.list.some((p) => p.line === line && p.col === col && p.path === problem.path && p.message === message)) {
      this.list.push(problem);
    }
  }

  /** From now on, no problem is added at exactly these (formatted) YAML paths: their problem is already said. */
  quietAt(paths: readonly string[]): void {
    for (const p of paths) this.quiet.add(p);
  }

  /** The problems in source order (line, then column), as a reader scans the file. */
  sorted(): TopologyProblem[] {
    return [...this.list].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0));
  }

  /** Prefixes every problem recorded so far (`with the variant rate=1gbit: `): the file is fine, the variation of it is not. */
  prefixAll(prefix: string): void {
    for (const p of this.list) p.message = prefix + p.message;
  }

  /** Throws one TopologyError carrying every problem, if there is any. */
  throwIfAny(): void {
    if (this.list.length > 0) throw new TopologyError(this.sorted());
  }
}

/** Names as a comma-separated list for messages; `(none)` when empty. */
export function listNames(names: readonly string[]): string {
  return names.length === 0 ? '(none)' : names.join(', ');
}
