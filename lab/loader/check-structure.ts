/**
 * Semantic checks of hosts, paths, roles, endpoints and traffic: every name refers to
 * something that exists (and the message says what does), roles are unambiguous.
 */
import { listNames } from './problems';
import { MAX_HOSTS, MAX_PATHS, type CheckContext } from './check-context';
import { hostsOnPath } from './topology-facts';

/** Checks host and path counts, name clashes, path membership, roles and traffic shape. */
export function checkStructure(ctx: CheckContext): void {
  checkCounts(ctx);
  checkPathMembership(ctx);
  checkRoles(ctx);
  checkEndpoints(ctx);
  checkTrafficAmount(ctx);
}

function checkCounts({ s, problems }: CheckContext): void {
  if (s.hosts) {
    const n = Object.keys(s.hosts).length;
    if (n < 2) problems.add(['hosts'], `expected at least 2 hosts (a server and a client), got ${n}`);
    if (n > MAX_HOSTS) problems.add(['hosts'], `expected at most ${MAX_HOSTS} hosts, got ${n}`);
  }
  if (s.paths) {
    const n = Object.keys(s.paths).length;
    if (n < 1) problems.add(['paths'], 'expected at least 1 path');
    if (n > MAX_PATHS) problems.add(['paths'], `expected at most ${MAX_PATHS} paths, got ${n}`);
  }
  if (s.hosts && s.paths) {
    for (const name of Object.keys(s.paths)) {
      if (name in s.hosts) problems.add(['paths', name], `"${name}" names both a host and a path; give them different names`, 'key');
    }
  }
}

function checkPathMembership({ s, problems }: CheckContext): void {
  if (!s.hosts || !s.paths) return;
  const hosts = s.hosts;
  const hostNames = Object.keys(hosts);
  Object.entries(s.paths).forEach(([name, path], pathIndex) => {
    const seen = new Set<string>();
    path.hosts?.forEach((h, i) => {
      if (!(h in hosts)) problems.add(['paths', name, 'hosts', i], `no host named "${h}" (hosts: ${listNames(hostNames)})`);
      else if (seen.has(h)) problems.add(['paths', name, 'hosts', i], `host "${h}" is listed twice`);
      seen.add(h);
    });
    const on = hostsOnPath(hosts, path);
    for (const h of Object.keys(path.from ?? {})) {
      if (!on.includes(h)) problems.add(['paths', name, 'from', h], `no host named "${h}" on path ${name} (its hosts: ${listNames(on)})`, 'key');
    }
    if (pathIndex === 0) {
      // The first path carries the initial subflow: a host missing from it could not connect at all.
      for (const h of hostNames.filter((h) => !on.includes(h))) {
        problems.add(['paths', name, 'hosts'], `host "${h}" is not on the first path ${name}; every host must be on the first path (it carries the initial subflow)`);
      }
    }
  });
}

function checkRoles({ s, problems }: CheckContext): void {
  if (!s.hosts) return;
  const hosts = s.hosts;
  for (const role of ['server', 'client'] as const) {
    const ofRole = Object.keys(hosts).filter((h) => hosts[h]?.role === role);
    const named = s.traffic?.[role];
    if (named !== undefined) {
      const host = hosts[named];
      if (!host) problems.add(['traffic', role], `no host named "${named}" (hosts: ${listNames(Object.keys(hosts))})`);
      else if (host.role !== role) problems.add(['traffic', role], `host "${named}" has role ${host.role}; traffic.${role} must name a ${role} (${role}s: ${listNames(ofRole)})`);
    } else if (ofRole.length === 0) {
      problems.add(['hosts'], `no host has role ${role}; exactly one ${role} is needed`);
    } else if (ofRole.length > 1 && s.traffic) {
      problems.add(['hosts'], `several hosts have role ${role} (${listNames(ofRole)}); name the one the traffic uses with traffic.${role}`);
    }
  }
}

function checkEndpoints({ s, names, problems }: CheckContext): void {
  if (!s.hosts || !names.paths) return;
  const pathNames = names.paths;
  for (const [host, h] of Object.entries(s.hosts)) {
    const used = new Set<string>();
    h.mptcp?.endpoints?.forEach((ep, i) => {
      const at = ['hosts', host, 'mptcp', 'endpoints', i, 'path'];
      const path = s.paths?.[ep.path];
      if (!pathNames.includes(ep.path)) problems.add(at, `no path named "${ep.path}" (paths: ${listNames(pathNames)})`);
      else if (s.hosts && path && !hostsOnPath(s.hosts, path).includes(host)) problems.add(at, `host ${host} is not on path ${ep.path}`);
      else if (used.has(ep.path)) problems.add(at, `host ${host} already has an endpoint on path ${ep.path}: one address, one endpoint`);
      used.add(ep.path);
      if (new Set(ep.flags).size !== ep.flags.length) problems.add(['hosts', host, 'mptcp', 'endpoints', i, 'flags'], 'a flag is listed twice');
    });
  }
}

function checkTrafficAmount({ s, problems }: CheckContext): void {
  const t = s.traffic;
  if (!t) return;
  if (t.size !== undefined && t.duration !== undefined) {
    problems.add(['traffic', 'duration'], 'give either size or duration, not both');
  } else if (t.tool === 'http' && t.duration !== undefined) {
    problems.add(['traffic', 'duration'], 'http downloads a file: give its size (e.g. size: 2.5GB), not a duration');
  } else if (t.size === undefined && t.duration === undefined) {
    problems.add(['traffic'], t.tool === 'http' ? 'missing required key "size": http downloads a file of that size' : 'missing "size" or "duration": say how much traffic to send');
  }
}
