/**
 * netem's jitter and reorder act on delayed packets: without a delay, jitter has nothing to
 * vary and reorder nothing to overtake. Checked per direction, after `from.<host>` overrides,
 * and reported where the offending field is written.
 */
import type { ImpairmentParsed } from '../model/schema';
import type { CheckContext } from './check-context';
import { egressOf, hostsOnPath } from './topology-facts';
import type { PathSegment } from './yaml-path';

const NEEDS_DELAY = ['jitter', 'reorder'] as const;

/** Checks that every direction with jitter or reorder also has a delay. */
export function checkImpairments({ s, problems }: CheckContext): void {
  if (!s.paths || !s.hosts) return;
  const hosts = s.hosts;
  for (const [name, path] of Object.entries(s.paths)) {
    // One problem per written field, naming every direction it leaves without a delay.
    const lacking = new Map<string, { at: PathSegment[]; field: string; hosts: string[] }>();
    for (const host of hostsOnPath(hosts, path)) {
      const egress = egressOf(path, host);
      if (egress.delay !== undefined) continue;
      for (const field of NEEDS_DELAY) {
        if (egress[field] === undefined) continue;
        const at: PathSegment[] = path.from?.[host]?.[field] !== undefined ? ['paths', name, 'from', host, field] : ['paths', name, field];
        const entry = lacking.get(at.join('.')) ?? { at, field, hosts: [] };
        entry.hosts.push(host);
        lacking.set(at.join('.'), entry);
      }
    }
    for (const { at, field, hosts: from } of lacking.values()) {
      problems.add(at, `${field} needs a delay (traffic leaving ${from.join(' or ')} on ${name} has none): add delay, e.g. delay: 20ms`);
    }
  }
  s.timeline?.forEach((ev, i) => {
    const path = ev.impair !== undefined ? s.paths?.[ev.impair] : undefined;
    if (!ev.set || !path) return;
    const set: ImpairmentParsed = ev.set;
    // `set` changes the fields it names; a delay already on the path still counts.
    const hasDelay = set.delay !== undefined || hostsOnPath(hosts, path).every((h) => egressOf(path, h).delay !== undefined);
    for (const field of NEEDS_DELAY) {
      if (set[field] !== undefined && !hasDelay) problems.add(['timeline', i, 'set', field], `${field} needs a delay: add delay to set, e.g. delay: 20ms`);
    }
  });
}
