/**
 * Subnets a topology gives must be real network addresses, disjoint (each path is its own
 * Docker network), and large enough for host number index + 2 (.1 is Docker's gateway).
 */
import type { CheckContext } from './check-context';
import { overlaps, parseSubnet, type Ipv4Subnet } from './ipv4';
import { hostsOnPath } from './topology-facts';

/** Checks each given subnet's form, room for its hosts and overlap with the others. */
export function checkSubnets({ s, problems }: CheckContext): void {
  if (!s.paths) return;
  const parsed: { name: string; subnet: Ipv4Subnet; text: string }[] = [];
  for (const [name, path] of Object.entries(s.paths)) {
    if (path.subnet === undefined) continue;
    const at = ['paths', name, 'subnet'];
    let subnet: Ipv4Subnet;
    try {
      subnet = parseSubnet(path.subnet);
    } catch (e) {
      problems.add(at, (e as Error).message);
      continue;
    }
    const clash = parsed.find((p) => overlaps(p.subnet, subnet));
    if (clash) problems.add(at, `${path.subnet} overlaps ${clash.text} of path ${clash.name}; each path needs its own subnet`);
    parsed.push({ name, subnet, text: path.subnet });
    if (s.hosts) {
      const indexes = Object.keys(s.hosts);
      const highest = Math.max(...hostsOnPath(s.hosts, path).map((h) => indexes.indexOf(h)));
      // Host number index + 2, and the last address is the broadcast address.
      const needed = highest + 2;
      if (needed > subnet.size - 2) {
        problems.add(at, `${path.subnet} has no room for host number ${needed} (hosts take index + 2); use a larger subnet`);
      }
    }
  }
}
