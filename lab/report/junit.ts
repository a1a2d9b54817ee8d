/**
 * junit.xml: one testsuite per run, one testcase per check, so CI shows each check's verdict
 * with its numbers (measured vs expected) in the failure message.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckResult, RunRecord } from '../model/record';
import { samplingText, summarizeChecks } from './summary';
import { faultIntervals } from './chart-data';
import { escapeXml as x, escapeXmlAttr as a } from './xml';

function body(c: CheckResult): string {
  const numbers = c.value !== undefined || c.bound !== undefined ? `\nvalue: ${c.value ?? '-'} ${c.unit ?? ''}; bound: ${c.bound ?? '-'} ${c.unit ?? ''}` : '';
  const details = (c.details ?? []).map((d) => `\n${d.name}: ${d.value} ${d.unit}${d.bound !== undefined ? ` (bound ${d.bound})` : ''}`).join('');
  return x(`${c.message}\nexpected: ${c.expected}\nmeasured: ${c.measured}${numbers}${details}`);
}

/** ` [fault rewrite vlan181 of traffic from pc1, every data segment, 1.00–4.00 s]`: the middlebox faults a run put on its paths. */
export function faultSuffix(record: Pick<RunRecord, 'events' | 'traffic'>): string {
  const faults = faultIntervals(record, record.traffic.endedMs);
  if (faults.length === 0) return '';
  return ` [${faults.map((f) => `fault ${f.path}: ${f.detail || f.mode}, ${(f.fromMs / 1000).toFixed(2)}–${(f.toMs / 1000).toFixed(2)} s`).join('; ')}]`;
}

function testcase(classname: string, c: CheckResult, suffix = ''): string {
  const open = `    <testcase classname="${a(classname)}" name="${a(c.name + suffix)}" time="0">`;
  const out = `\n      <system-out>${x(c.message)}</system-out>`;
  switch (c.status) {
    case 'pass':
      return `${open}${out}\n    </testcase>`;
    case 'fail':
      return `${open}\n      <failure message="${a(`measured ${c.measured}, expected ${c.expected}`)}" type="${a(c.kind)}">${body(c)}</failure>${out}\n    </testcase>`;
    case 'error':
      return `${open}\n      <error message="${a(c.message)}" type="${a(c.kind)}">${body(c)}</error>${out}\n    </testcase>`;
    case 'skipped':
      return `${open}\n      <skipped message="${a(c.message)}"/>\n    </testcase>`;
  }
}

/** An ISO time as JUnit's timestamp attribute wants it: local form, no zone, whole seconds. */
export function junitTimestamp(iso: string): string {
  return iso.replace(/Z$|[+-]\d\d:\d\d$/, '').slice(0, 19);
}

/** The JUnit XML text for a run's checks. */
export function renderJunit(record: RunRecord, checks: readonly CheckResult[]): string {
  const s = summarizeChecks(checks);
  const seconds = ((record.traffic.endedMs - record.traffic.startedMs) / 1000).toFixed(3);
  const props: Array<[string, string | number | boolean]> = [
    ['runId', record.runId],
    ['kernel', record.environment['kernel'] ?? 'unknown'],
    ['tool', record.traffic.tool],
    ['protocol', record.traffic.protocol],
    ['source', record.plan.source],
    ...Object.entries(record.environment).filter(([k]) => k !== 'kernel').map(([k, v]): [string, string | number | boolean] => [`env.${k}`, v]),
  ];
  const counts = `tests="${checks.length}" failures="${s.failed}" errors="${s.errors}" skipped="${s.skipped}" time="${seconds}"`;
  const sampler = samplingText(record.sampling);
  const log = record.kernelLog.map((l) => `[${(l.tMs / 1000).toFixed(3)} s]${l.error ? ' ERROR' : ''} ${l.line}`).join('\n');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="mptcp-lab" ${counts}>`,
    `  <testsuite name="${a(`mptcp-lab.${record.topology}`)}" ${counts} timestamp="${a(junitTimestamp(record.startedAt))}">`,
    '    <properties>',
    ...props.map(([k, v]) => `      <property name="${a(k)}" value="${a(String(v))}"/>`),
    '    </properties>',
    ...checks.map((c) => testcase(record.topology, c, faultSuffix(record))),
    `    <system-out>${x([...record.notes, ...(sampler ? [sampler] : []), ...(log ? ['kernel log:', log] : [])].join('\n'))}</system-out>`,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** Writes `dir/junit.xml` and returns its path. */
export async function writeJunit(dir: string, record: RunRecord, checks: readonly CheckResult[]): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'junit.xml');
  await writeFile(file, renderJunit(record, checks));
  return file;
}
