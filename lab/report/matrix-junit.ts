/**
 * junit.xml for a matrix or repeat run: one testsuite per variant, one testcase per check of
 * that variant. A check that failed in any run fails its testcase (a flaky one too), and the
 * failure carries the numbers: every run's measurement and the value's min/median/max.
 */
import { junitTimestamp } from './junit';
import { failingRuns, figureText } from './matrix-format';
import type { CheckTally, RunsSummary, VariantSummary } from '../model/summary';
import { escapeXml as x, escapeXmlAttr as a } from './xml';

function body(v: VariantSummary, name: string, t: CheckTally): string {
  const value = v.figures[`check:${name}`];
  const runs = t.runs.map((r, i) => `run ${i + 1} (${v.runs[i]?.runId ?? '?'}): ${r.status.toUpperCase()} measured ${r.measured}: ${r.message}`);
  const stats = value ? [`value: ${figureText(value)} over ${value.n} run${value.n === 1 ? '' : 's'} (min ${value.min}, median ${value.median}, max ${value.max} ${value.unit})`] : [];
  return x([`expected: ${t.expected}`, ...stats, ...runs].join('\n'));
}

function testcase(v: VariantSummary, classname: string, name: string, t: CheckTally): string {
  const open = `    <testcase classname="${a(classname)}" name="${a(name)}" time="0">`;
  const measured = t.runs.map((r) => r.measured).join(', ');
  const out = `\n      <system-out>${x(t.runs.map((r, i) => `run ${i + 1}: ${r.message}`).join('\n'))}</system-out>`;
  if (t.verdict === 'pass') return `${open}${out}\n    </testcase>`;
  if (t.verdict === 'skipped') return `${open}\n      <skipped message="${a(t.runs[0]?.message ?? 'skipped')}"/>\n    </testcase>`;
  const several = t.runs.length > 1;
  const how = t.flaky ? `flaky: passed ${t.passed} of ${t.runs.length} runs, failed in run ${failingRuns(t).join(', ')}; ` : several ? `failed in ${t.failed + t.errors} of ${t.runs.length} runs; ` : '';
  // Errors only (never a measured failure): JUnit's <error>, as the single-run report does.
  const tag = t.failed === 0 && !t.flaky ? 'error' : 'failure';
  // As junit.ts: a failure states the numbers, an error the reason it could not measure.
  const message = tag === 'error' ? `${how}${t.runs[(failingRuns(t)[0] ?? 1) - 1]?.message ?? ''}` : `${how}measured ${measured}, expected ${t.expected}`;
  return `${open}\n      <${tag} message="${a(message)}" type="${a(t.kind)}">${body(v, name, t)}</${tag}>${out}\n    </testcase>`;
}

/** JUnit's counts: a check that only errored is an error, any other fail or flaky one a failure. */
function junitCounts(tallies: readonly CheckTally[]): { failures: number; errors: number; skipped: number } {
  const count = (f: (t: CheckTally) => boolean) => tallies.filter(f).length;
  const errors = count((t) => t.verdict === 'fail' && t.failed === 0);
  return { failures: count((t) => t.verdict === 'fail' || t.verdict === 'flaky') - errors, errors, skipped: count((t) => t.verdict === 'skipped') };
}

function testsuite(s: RunsSummary, v: VariantSummary): string {
  const tallies = Object.entries(v.checks);
  const { failures, errors, skipped } = junitCounts(Object.values(v.checks));
  const classname = `${s.topology}[${v.label}]`;
  const props: Array<[string, string]> = [
    ['variant', v.label],
    ['runs', String(v.runs.length)],
    ['runIds', v.runs.map((r) => r.runId).join(' ')],
    ...(v.runs.some((r) => r.engine !== undefined) ? [['engines', v.runs.map((r) => r.engine ?? '?').join(' ')] as [string, string]] : []),
    ...Object.entries(v.figures).filter(([k]) => !k.startsWith('check:')).map(([k, f]): [string, string] => [k, `${f.median} ${f.unit} (min ${f.min}, max ${f.max}, n ${f.n})`]),
  ];
  return [
    `  <testsuite name="${a(`mptcp-lab.${classname}`)}" tests="${tallies.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${((v.figures['duration']?.median ?? 0) / 1000).toFixed(3)}" timestamp="${a(junitTimestamp(v.runs[0]?.startedAt ?? ''))}">`,
    '    <properties>',
    ...props.map(([k, val]) => `      <property name="${a(k)}" value="${a(val)}"/>`),
    '    </properties>',
    ...tallies.map(([name, t]) => testcase(v, classname, name, t)),
    '  </testsuite>',
  ].join('\n');
}

/** Cells no shard delivered: one errored testcase each, so CI shows the hole instead of a shorter green list. */
function missingSuite(s: RunsSummary): string[] {
  const missing = s.missing ?? [];
  if (missing.length === 0) return [];
  const classname = `${s.topology}[missing cells]`;
  return [
    `  <testsuite name="${a(`mptcp-lab.${classname}`)}" tests="${missing.length}" failures="0" errors="${missing.length}" skipped="0" time="0">`,
    ...missing.map((m) => {
      const message = `cell ${m.cell + 1} (${m.label} run ${m.run}): no result${m.reason ? `: ${m.reason}` : ''}`;
      return `    <testcase classname="${a(classname)}" name="${a(`cell ${m.cell + 1}: ${m.label} run ${m.run}`)}" time="0">\n      <error message="${a(message)}" type="missing">${x(message)}</error>\n    </testcase>`;
    }),
    '  </testsuite>',
  ];
}

/** The JUnit XML text for every variant's checks (and the cells that are missing, as errors). */
export function renderMatrixJunit(s: RunsSummary): string {
  const all = s.variants.flatMap((v) => Object.values(v.checks));
  const { failures, errors, skipped } = junitCounts(all);
  const missing = s.missing?.length ?? 0;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="mptcp-lab" tests="${all.length + missing}" failures="${failures}" errors="${errors + missing}" skipped="${skipped}">`,
    ...s.variants.map((v) => testsuite(s, v)),
    ...missingSuite(s),
    '</testsuites>',
    '',
  ].join('\n');
}
