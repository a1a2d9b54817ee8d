/**
 * A topology's YAML source: parsed once with positions kept, so every later problem
 * (schema, semantic) can be pinned to a line and column of the original text.
 */
import { Alias, Document, isMap, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml';
import type { Node as YamlNode, Pair } from 'yaml';
import type { PathSegment, YamlPath } from './yaml-path';

export interface Position {
  line: number;
  col: number;
}

/** Where in a mapping entry a problem points: at its value (default) or at its key. */
export type Anchor = 'value' | 'key';

export interface SyntaxProblem extends Position {
  path: YamlPath;
  message: string;
}

export interface YamlSource {
  /** The plain data (undefined when the file is empty or only comments). */
  data: unknown;
  /** YAML syntax errors, duplicate keys and unresolved aliases; when any, `data` is not to be trusted. */
  syntaxProblems: SyntaxProblem[];
  /** Line and column (1-based) of the node at `path`; a missing key points at its parent's key. */
  locate(path: YamlPath, anchor?: Anchor): Position;
}

/** Parses YAML text keeping source positions; duplicate keys count as errors. */
export function readYamlSource(text: string): YamlSource {
  const lineCounter = new LineCounter();
  // logLevel 'error' keeps the yaml package from printing warnings of its own on stderr.
  const doc = parseDocument(text, { uniqueKeys: true, lineCounter, prettyErrors: false, logLevel: 'error' });
  const toPosition = (offset: number): Position => lineCounter.linePos(offset);
  const syntaxProblems: SyntaxProblem[] = [];
  const seen = new Set<string>();
  for (const err of doc.errors) {
    const pos = toPosition(err.pos[0]);
    const message = yamlErrorMessage(err.code, err.message);
    const key = `${pos.line}:${pos.col}:${message}`;
    if (seen.has(key)) continue; // the parser reports some errors once per nesting level
    seen.add(key);
    // Only a duplicate key leaves a tree sound enough to name a path; after a syntax error it would mislead.
    syntaxProblems.push({ ...pos, path: err.code === 'DUPLICATE_KEY' ? pathAtOffset(doc, err.pos[0]) : [], message });
  }
  let data: unknown;
  if (syntaxProblems.length === 0) {
    for (const alias of unresolvedAliases(doc)) {
      const offset = alias.range?.[0] ?? 0;
      syntaxProblems.push({ ...toPosition(offset), path: pathAtOffset(doc, offset), message: `unknown alias *${alias.source}: define the anchor &${alias.source} before using it` });
    }
    if (syntaxProblems.length === 0) data = doc.toJS({ maxAliasCount: 100 });
  }
  return { data, syntaxProblems, locate: (path, anchor = 'value') => toPosition(locateIn(doc, path, anchor)) };
}

function yamlErrorMessage(code: string, message: string): string {
  if (code === 'DUPLICATE_KEY') return 'duplicate key: each key may appear only once in a mapping';
  return `YAML syntax error: ${message.replace(/\s+/g, ' ').trim()}`;
}

function unresolvedAliases(doc: Document): Alias[] {
  const found: Alias[] = [];
  visit(doc, {
    Alias(_key, node) {
      if (node.resolve(doc) === undefined) found.push(node);
    },
  });
  return found;
}

function keyOf(pair: Pair): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

function child(node: unknown, seg: PathSegment): { pair?: Pair; node?: YamlNode } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((p) => keyOf(p) === String(seg));
    // An implicit null (`key:` and nothing) is an empty node at the end of the line: the key is the better place.
    const value = pair?.value as YamlNode | null | undefined;
    const empty = !value || (isScalar(value) && value.range?.[0] === value.range?.[1]);
    return pair ? { pair, node: empty ? undefined : value } : undefined;
  }
  if (isSeq(node) && typeof seg === 'number') {
    const item = node.items[seg];
    return item === undefined ? undefined : { node: item as YamlNode };
  }
  return undefined;
}

function start(n: { range?: [number, number, number] | null } | null | undefined): number | undefined {
  return n?.range?.[0];
}

/**
 * The source offset for `path`: the node there, or with anchor `key` the mapping key.
 * When the path does not exist (a missing key), the deepest existing ancestor is used,
 * at its key when it has one (`pc1:` rather than the first line inside it).
 */
function locateIn(doc: Document, path: YamlPath, anchor: Anchor = 'value'): number {
  let node: unknown = doc.contents;
  let keyNode: unknown;
  for (const seg of path) {
    const next = child(node, seg);
    if (!next) return start(keyNode as YamlNode) ?? start(node as YamlNode) ?? 0;
    keyNode = next.pair?.key;
    node = next.node ?? next.pair?.key;
  }
  if (anchor === 'key' && keyNode) return start(keyNode as YamlNode) ?? 0;
  return start(node as YamlNode) ?? start(keyNode as YamlNode) ?? 0;
}

/** The YAML path of the innermost node containing `offset` (for syntax errors). */
function pathAtOffset(doc: Document, offset: number): YamlPath {
  const path: PathSegment[] = [];
  let node: unknown = doc.contents;
  const inside = (n: unknown) => {
    const r = (n as YamlNode | null)?.range;
    return !!r && r[0] <= offset && offset < Math.max(r[2], r[1] + 1);
  };
  for (;;) {
    if (isMap(node)) {
      const pair = node.items.find((p) => inside(p.key) || inside(p.value));
      if (!pair) break;
      path.push(keyOf(pair));
      if (!inside(pair.value)) break;
      node = pair.value;
    } else if (isSeq(node)) {
      const i = node.items.findIndex((it) => inside(it));
      if (i < 0) break;
      path.push(i);
      node = node.items[i];
    } else break;
  }
  return path;
}
