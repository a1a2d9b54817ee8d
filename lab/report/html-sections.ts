/**
 * The report page's static sections, rendered on the server side: they read without
 * JavaScript, and tests can check them without a browser. Every value goes through `h()`.
 */
import type { Impairment } from '../model/plan';
import type { CheckDetail, CheckResult, RunRecord } from '../model/record';
import { formatDuration, formatRate, formatSize } from '../model/units';
import { escapeXml as h } from './xml';

const STATUS_LABEL: Record<CheckResult['status'], string> = { pass: '✔ PASS', fail: '✘ FAIL', error: '⚠ ERROR', skipped: '– SKIP' };

function swatch(color: string | undefined): string {
  return color ? `<span class="swatch" style="background:${h(color)}"></span>` : '';
}

/** A number in its unit, human readable: bit/s, ms and bytes formatted, anything else as `value unit`. */
export function formatValue(value: number, unit: string): string {
  if (unit === 'bit/s') return formatRate(value);
  if (unit === 'ms') return formatDuration(value);
  if (unit === 'bytes') return formatSize(value);
  return `${value} ${unit}`;
}

function detailItem(d: CheckDetail): string {
  return `<li>${h(d.name)}: ${h(formatValue(d.value, d.unit))}${d.bound !== undefined ? ` (bound ${h(formatValue(d.bound, d.unit))})` : ''}</li>`;
}

/** The checks table: failures and errors highlighted, details under the message. */
export function checksTable(checks: readonly CheckResult[]): string {
  if (checks.length === 0) return '<p class="muted">The plan has no checks.</p>';
  const rows = checks.map((c) => {
    const details = c.details?.length ? `<ul class="details">${c.details.map(detailItem).join('')}</ul>` : '';
    return `<tr class="${c.status}"><td class="mono">${h(c.name)}</td><td><span class="status ${c.status}">${STATUS_LABEL[c.status]}</span></td><td>${h(c.expected)}</td><td>${h(c.measured)}</td><td>${h(c.message)}${details}</td></tr>`;
  });
  return `<table id="checks"><thead><tr><th>check</th><th>status</th><th>expected</th><th>measured</th><th>message</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function impairmentText(i: Impairment | undefined): string {
  if (!i) return 'unshaped';
  const parts = [
    i.rateBps !== undefined ? formatRate(i.rateBps) : 'no rate limit',
    i.delayMs !== undefined ? `delay ${i.delayMs} ms${i.jitterMs !== undefined ? ` ± ${i.jitterMs} ms` : ''}` : '',
    i.lossPct !== undefined ? `loss ${i.lossPct}%` : '',
    i.corruptPct !== undefined ? `corrupt ${i.corruptPct}%` : '',
    i.duplicatePct !== undefined ? `duplicate ${i.duplicatePct}%` : '',
    i.reorderPct !== undefined ? `reorder ${i.reorderPct}%` : '',
  ];
  return parts.filter(Boolean).join(', ');
}

/** Paths (subnet, hosts, shaping per direction) and hosts (role, MPTCP endpoints). */
export function topologyTables(record: RunRecord, colors: Record<string, string>): string {
  const { plan } = record;
  const paths = plan.paths.map((p) => {
    const egress = Object.keys(p.egress).map((host) => `${h(host)} → ${h(impairmentText(p.egress[host]))}`).join('<br>');
    return `<tr><td>${swatch(colors[p.name])}${h(p.name)}</td><td class="mono">${h(p.subnet)}</td><td>${h(p.hosts.join(', '))}</td><td>${egress}</td></tr>`;
  });
  const hosts = plan.hosts.map((host) => {
    const eps = host.mptcp.endpoints.map((e) => `${e.path} (${e.flags.join(',')})`).join(', ') || 'none';
    const mp = host.mptcp.enabled ? `on; pm ${host.mptcp.pathManager}, scheduler ${host.mptcp.scheduler}, checksum ${host.mptcp.checksum ? 'on' : 'off'}` : 'off';
    return `<tr><td>${h(host.name)}</td><td>${h(host.role)}</td><td>${h(mp)}</td><td>${h(eps)}</td></tr>`;
  });
  const t = plan.traffic;
  const what = `${t.tool} ${t.direction} over ${t.protocol}: ${t.sender} → ${t.receiver}${t.sizeBytes !== undefined ? `, ${formatSize(t.sizeBytes)}` : ''}${t.durationMs !== undefined ? `, ${formatDuration(t.durationMs)}` : ''}, port ${t.port}`;
  return (
    `<p>${h(what)}</p>` +
    `<table id="paths"><thead><tr><th>path</th><th>subnet</th><th>hosts</th><th>egress shaping</th></tr></thead><tbody>${paths.join('')}</tbody></table>` +
    `<table id="hosts"><thead><tr><th>host</th><th>role</th><th>MPTCP</th><th>endpoints</th></tr></thead><tbody>${hosts.join('')}</tbody></table>`
  );
}

/** Planned vs actual time of each cut, restore and impairment. */
export function eventsTable(record: RunRecord, colors: Record<string, string>): string {
  if (record.events.length === 0) return '<p class="muted">No events: the timeline is empty.</p>';
  const rows = [...record.events].sort((a, b) => a.actualMs - b.actualMs).map((e) =>
    `<tr><td>${h(e.kind)}${e.mode ? ` (${h(e.mode)})` : ''}</td><td>${swatch(colors[e.path])}${h(e.path)}</td><td class="num">${(e.plannedMs / 1000).toFixed(3)} s</td><td class="num">${(e.actualMs / 1000).toFixed(3)} s</td><td class="num">${Math.round(e.actualMs - e.plannedMs)} ms</td><td>${h(e.detail ?? '')}</td></tr>`);
  return `<table id="events"><thead><tr><th>event</th><th>path</th><th>planned</th><th>actual</th><th>late by</th><th>detail</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** MPTcpExt counter deltas, one column per host, only counters non-zero somewhere. */
export function countersTable(record: RunRecord): string {
  const hosts = Object.keys(record.counters).sort();
  const names = [...new Set(hosts.flatMap((host) => Object.keys(record.counters[host] ?? {})))]
    .filter((n) => hosts.some((host) => (record.counters[host]?.[n] ?? 0) !== 0))
    .sort();
  if (names.length === 0) return '<p class="muted">No MPTcpExt counter changed during the run.</p>';
  const rows = names.map((n) => `<tr><td class="mono">${h(n)}</td>${hosts.map((host) => `<td class="num">${record.counters[host]?.[n] ?? 0}</td>`).join('')}</tr>`);
  return `<table id="counters"><thead><tr><th>MPTcpExt counter (delta)</th>${hosts.map((host) => `<th>${h(host)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function stamp(tMs: number): string {
  return `[${(tMs / 1000).toFixed(3).padStart(8)} s]`;
}

/** Kernel-log lines (errors marked), `ip mptcp monitor` lines and subflow snapshots. */
export function logSections(record: RunRecord): string {
  const kernel = record.kernelLog.length === 0
    ? '<p class="muted">No MPTCP lines in the kernel log during the run.</p>'
    : `<pre class="log" id="kernel-log">${record.kernelLog.map((l) => `<span${l.error ? ' class="err"' : ''}>${stamp(l.tMs)} ${h(l.line)}</span>`).join('\n')}</pre>`;
  const monitor = record.monitor.length === 0 ? '' :
    `<details><summary>ip mptcp monitor (${record.monitor.length} lines)</summary><pre class="log">${record.monitor.map((m) => `${stamp(m.tMs)} ${h(m.host)} ${h(m.line)}`).join('\n')}</pre></details>`;
  const snapshots = record.snapshots.map((s) =>
    `<details><summary>${h(s.host)} at ${(s.tMs / 1000).toFixed(2)} s: ${h(s.label)}</summary><pre class="log">${h(s.text)}</pre></details>`).join('');
  return `<h2>Kernel log</h2>${kernel}${monitor || snapshots ? `<h2>MPTCP monitor and snapshots</h2>${monitor}${snapshots}` : ''}`;
}

/** Notes of the loader and of the run, then the environment as key/value rows. */
export function notesAndEnvironment(record: RunRecord): string {
  const notes = [...record.plan.notes.map((n) => `plan: ${n}`), ...record.notes.map((n) => `run: ${n}`)];
  const env = Object.keys(record.environment).sort().map((k) => `<tr><td class="mono">${h(k)}</td><td>${h(String(record.environment[k]))}</td></tr>`);
  return (
    `<h2>Notes</h2>${notes.length ? `<ul>${notes.map((n) => `<li>${h(n)}</li>`).join('')}</ul>` : '<p class="muted">None.</p>'}` +
    `<h2>Environment</h2><table id="environment"><tbody>${env.join('')}</tbody></table>`
  );
}
