/** Host-side veths by ifindex, from sysfs on the Docker host (no process spawned). */
import { readdir, readFile } from 'node:fs/promises';

const SYS_NET = '/sys/class/net';

/** The interfaces (in this namespace) whose ifindex is one of `ifindexes`: a container's iflink names its host-side veth. One pass over `root`. */
export async function findHostVeths(ifindexes: readonly number[], root = SYS_NET): Promise<Map<number, string>> {
  const names = await readdir(root);
  const found = new Map<number, string>();
  await Promise.all(
    names.map(async (n) => {
      const idx = Number((await readFile(`${root}/${n}/ifindex`, 'utf8').catch(() => '-1')).trim());
      if (ifindexes.includes(idx)) found.set(idx, n);
    }),
  );
  return found;
}
