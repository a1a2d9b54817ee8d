/** Source positions: what line and column a YAML path points at. */
import { readYamlSource } from './yaml-source';
import { formatYamlPath } from './yaml-path';

const TEXT = ['# a comment', 'hosts:', '  pc1:', '    role: server', 'timeline:', '  - at: 3s', '    cut: a', '  - {at: 4s, restore: a}', 'empty:', ''].join('\n');

describe('locate', () => {
  const src = readYamlSource(TEXT);
  test.each([
    [['hosts', 'pc1', 'role'], 'value', { line: 4, col: 11 }],
    [['hosts', 'pc1', 'role'], 'key', { line: 4, col: 5 }],
    [['hosts', 'pc1'], 'key', { line: 3, col: 3 }],
    [['timeline', 1, 'restore'], 'value', { line: 8, col: 23 }],
    [['timeline', 0], 'value', { line: 6, col: 5 }],
    // a missing key points at its parent's key
    [['hosts', 'pc1', 'mptcp'], 'value', { line: 3, col: 3 }],
    [['hosts', 'pc9', 'role'], 'value', { line: 2, col: 1 }],
    // a null value points at its key
    [['empty'], 'value', { line: 9, col: 1 }],
    // the document root is its first node, after comments
    [[], 'value', { line: 2, col: 1 }],
  ] as const)('%j (%s) → %j', (path, anchor, pos) => {
    expect(src.locate(path, anchor)).toEqual(pos);
  });
  test('data is the plain value', () => {
    expect(src.data).toEqual({ hosts: { pc1: { role: 'server' } }, timeline: [{ at: '3s', cut: 'a' }, { at: '4s', restore: 'a' }], empty: null });
  });
});

test('a duplicate key is located at the second occurrence, with its path', () => {
  const src = readYamlSource('a:\n  b: 1\n  c: 2\n  b: 3\n');
  expect(src.syntaxProblems).toEqual([{ line: 4, col: 3, path: ['a', 'b'], message: 'duplicate key: each key may appear only once in a mapping' }]);
  expect(src.data).toBeUndefined();
});

test('an unclosed quote is a syntax error with a position', () => {
  const [p] = readYamlSource('a: "open\n').syntaxProblems;
  expect(p).toMatchObject({ line: 2, col: 1, path: [] });
  expect(p?.message).toMatch(/^YAML syntax error: Missing closing "quote/);
});

test('formatYamlPath quotes keys that are not plain words', () => {
  expect(formatYamlPath(['paths', 'vlan180', 'from', 'pc1', 'rate'])).toBe('paths.vlan180.from.pc1.rate');
  expect(formatYamlPath(['timeline', 1, 'cut'])).toBe('timeline[1].cut');
  expect(formatYamlPath(['hosts', 'pc1;rm -rf /'])).toBe('hosts["pc1;rm -rf /"]');
  expect(formatYamlPath([])).toBe('');
});
