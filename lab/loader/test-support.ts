/** Helpers for the loader's tests: load text and return the problems it raises. */
import { TopologyError, type TopologyProblem } from '../model/errors';
import { loadTopologyText, type LoadOptions } from './load';

/** Removes the common indentation of a template literal, so tests can show YAML indented. */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const text = strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ''), '');
  const lines = text.replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

/** The problems loading `text` raises; fails the test when it loads. */
export function problemsOf(text: string, opts?: LoadOptions, file = 'lab.yaml'): TopologyProblem[] {
  try {
    loadTopologyText(text, file, opts);
  } catch (e) {
    if (e instanceof TopologyError) return e.problems;
    throw e;
  }
  throw new Error('expected a TopologyError, but the topology loaded');
}

/** The one problem loading `text` raises; fails the test when there are none or several. */
export function onlyProblem(text: string, opts?: LoadOptions): TopologyProblem {
  const problems = problemsOf(text, opts);
  if (problems.length !== 1) throw new Error(`expected exactly one problem, got ${problems.length}:\n${problems.map((p) => JSON.stringify(p)).join('\n')}`);
  return problems[0] as TopologyProblem;
}

/** Hosts, paths and traffic that pass every check, one line each, for tests to append to. */
export const HEAD = yaml`
  description: t
  hosts: {pc1: {role: server}, pc2: {role: client}}
  paths: {vlan180: {rate: 1gbit}, vlan181: {rate: 1gbit}}
  traffic: {tool: http, size: 2.5GB}
`;
