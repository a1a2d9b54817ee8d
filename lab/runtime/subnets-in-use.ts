/** Subnets already taken on this host: Docker networks' IPv4 subnets and every host route. */
import { readFile } from 'node:fs/promises';
import type Docker from 'dockerode';
import { parseProcRoutes } from './host-routes';

/** Everything a new lab network must not overlap (host routes only, when no engine is given). */
export async function subnetsInUse(docker: Docker | undefined): Promise<string[]> {
  const [networks, routes] = await Promise.all([docker ? docker.listNetworks() : Promise.resolve([]), readFile('/proc/net/route', 'utf8').catch(() => '')]);
  const fromDocker = networks.flatMap((n) => (n.IPAM?.Config ?? []).map((c) => c.Subnet).filter((s): s is string => !!s && s.includes('.')));
  return [...fromDocker, ...parseProcRoutes(routes)];
}
