/**
 * Typed errors, and the one place they map to exit codes (see lab/cli/exit-codes.ts).
 * Exit codes: 0 all checks passed, 1 a check failed, 2 bad input, 3 environment lacks
 * something, 4 the lab itself failed to run (a Docker or tool error mid-run).
 */

/** One problem in a topology file, located as precisely as the source allows. */
export interface TopologyProblem {
  file: string;
  line?: number;
  col?: number;
  /** YAML path such as `paths.vlan180.rate`; empty for whole-document problems. */
  path: string;
  message: string;
}

/** Formats a problem as `file:line:col: path: message`. */
export function formatProblem(p: TopologyProblem): string {
  const where = p.line !== undefined ? `${p.file}:${p.line}:${p.col ?? 1}` : p.file;
  return p.path ? `${where}: ${p.path}: ${p.message}` : `${where}: ${p.message}`;
}

/** Bad input: a topology (or CLI argument) that cannot be turned into a Plan. Exit 2. */
export class TopologyError extends Error {
  readonly exitCode = 2;
  constructor(readonly problems: TopologyProblem[]) {
    super(
      `${problems.length} problem${problems.length === 1 ? '' : 's'} in ${problems[0]?.file ?? 'input'}:\n` +
        problems.map((p) => '  ' + formatProblem(p)).join('\n'),
    );
    this.name = 'TopologyError';
  }
}

/** Bad command-line usage. Exit 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The host lacks a capability (Docker, MPTCP, netem, ...). Exit 3. */
export class EnvironmentError extends Error {
  readonly exitCode = 3;
  constructor(
    /** What is missing, e.g. `sch_netem` or `Docker engine`. */
    readonly missing: string,
    /** How to get it. */
    readonly hint: string,
    /** What was observed (an error text, a probe result), without the hint. */
    readonly detail?: string,
  ) {
    super(`${missing} is not available${detail ? ` (${detail})` : ''}. ${hint}`);
    this.name = 'EnvironmentError';
  }
}

/** The lab failed while running: a Docker call, an exec or a tool failed. Exit 4. */
export class LabError extends Error {
  readonly exitCode = 4;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LabError';
  }
}

/** Maps any thrown value to the process exit code. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof TopologyError || err instanceof UsageError) return 2;
  if (err instanceof EnvironmentError) return 3;
  return 4;
}
