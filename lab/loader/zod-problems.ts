/**
 * Turns zod issues into located problems whose messages say what was expected, in the
 * topology's own words (`unknown key "foo" (allowed: rate, delay, …)`), not zod's.
 */
import type { z } from 'zod';
import type { ProblemList } from './problems';
import { allowedKeys, examplesOf, schemaAt } from './schema-at';
import { shortKey, type YamlPath } from './yaml-path';

type Issue = z.core.$ZodIssue;

/** Adds one problem per zod issue (one per unknown key), located in the YAML source. */
export function addZodProblems(issues: readonly Issue[], root: z.ZodType, data: unknown, problems: ProblemList): void {
  for (const issue of issues) {
    const path = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeys(schemaAt(root, path));
      for (const key of issue.keys) problems.add([...path, key], unknownKeyMessage(key, allowed), 'key');
    } else if (issue.code === 'invalid_key') {
      problems.add(path, `invalid name "${shortKey(String(path[path.length - 1]))}": ${issue.issues.map((i) => i.message).join('; ')}`, 'key');
    } else {
      const value = valueAt(data, path);
      problems.add(path, describeIssue(issue, value, path, root, valueAt(data, path.slice(0, -1))));
    }
  }
}

function describeIssue(issue: Issue, value: unknown, path: YamlPath, root: z.ZodType, parent: unknown): string {
  const key = path[path.length - 1];
  // Whatever the schema expected (a mapping, an enum, a unit), an absent key is best said plainly.
  if (key !== undefined && isMapping(parent) && !(String(key) in parent)) return `missing required key "${shortKey(String(key))}"`;
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${typeName(issue.expected)}, got ${describeValue(value)}`;
    case 'invalid_value':
      return `expected one of: ${issue.values.map((v) => String(v)).join(', ')}; got ${describeValue(value)}`;
    case 'invalid_union': {
      const examples = examplesOf(schemaAt(root, path));
      return examples.length
        ? `expected a value such as ${examples.join(' or ')}, got ${describeValue(value)}`
        : `expected a string or a number, got ${describeValue(value)}`;
    }
    case 'too_small':
    case 'too_big':
      return boundMessage(issue, value);
    case 'invalid_format':
      return issue.message.startsWith('Invalid') ? `expected a string matching ${issue.pattern ?? issue.format}, got ${describeValue(value)}` : issue.message;
    default:
      return issue.message;
  }
}

function boundMessage(issue: Extract<Issue, { code: 'too_small' | 'too_big' }>, value: unknown): string {
  const small = issue.code === 'too_small';
  const limit = small ? issue.minimum : issue.maximum;
  const inclusive = issue.inclusive ?? true;
  if (issue.origin === 'array') return `expected ${small ? 'at least' : 'at most'} ${limit} item${Number(limit) === 1 ? '' : 's'}, got ${Array.isArray(value) ? value.length : describeValue(value)}`;
  if (issue.origin === 'string') return small && Number(limit) <= 1 ? 'expected a non-empty string' : `expected a string of ${small ? 'at least' : 'at most'} ${limit} characters`;
  const op = small ? (inclusive ? '≥' : '>') : inclusive ? '≤' : '<';
  return `expected a number ${op} ${limit}, got ${describeValue(value)}`;
}

/** The closest allowed key within edit distance 2, for a "did you mean" hint. */
function closest(key: string, allowed: readonly string[]): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const name of allowed) {
    const d = editDistance(key.toLowerCase(), name.toLowerCase());
    // Short keys tolerate fewer edits: "max" is not a typo of "min".
    if (d <= Math.min(2, Math.floor((key.length - 1) / 2)) && (!best || d < best.d)) best = { name, d };
  }
  return best?.name;
}

function unknownKeyMessage(key: string, allowed: readonly string[]): string {
  const hint = closest(key, allowed);
  return `unknown key "${shortKey(key)}"${hint ? ` (did you mean "${hint}"?)` : ''} (allowed: ${allowed.join(', ')})`;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

function typeName(expected: string): string {
  const names: Record<string, string> = { object: 'a mapping', record: 'a mapping', array: 'a list', string: 'a string', number: 'a number', boolean: 'true or false', int: 'an integer' };
  return names[expected] ?? expected;
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A short description of a YAML value for messages: `"1gb"`, `5`, `a list`, `nothing`. */
export function describeValue(v: unknown): string {
  if (v === undefined || v === null) return 'nothing (null)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return typeof v === 'string' ? JSON.stringify(shortKey(v)) : JSON.stringify(v);
}

/** The plain value at `path` in parsed YAML data. */
export function valueAt(data: unknown, path: YamlPath): unknown {
  let v = data;
  for (const seg of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}
