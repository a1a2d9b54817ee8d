/**
 * What the netns runtime needs from this machine, as rows for `lab doctor`: root, the
 * util-linux and iproute2 tools it runs on the machine itself, and whether the lab image's
 * root filesystem is exported for the current image (else the first netns lab exports it,
 * which needs Docker once). Reads files only; spawns nothing.
 */
import { access, constants, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { currentImageTag, rootfsDirFor } from './rootfs';

export interface NetnsDoctorRow {
  name: string;
  ok: boolean;
  detail: string;
  /** How to fix it, when not ok. */
  hint?: string;
}

/** Tools run in the root namespace (holder, nsenter per exec, links and forwarding, the export's tar). */
export const NETNS_HOST_TOOLS = ['ip', 'tc', 'nsenter', 'unshare', 'setpriv', 'mount', 'chroot', 'hostname', 'tar'] as const;

async function onPath(tool: string, path = process.env.PATH ?? ''): Promise<string | undefined> {
  for (const dir of path.split(':').filter(Boolean)) {
    const file = join(dir, tool);
    if (await access(file, constants.X_OK).then(() => true, () => false)) return file;
  }
  return undefined;
}

/** The doctor's rows for the netns runtime. */
export async function netnsDoctorRows(): Promise<NetnsDoctorRow[]> {
  const rows: NetnsDoctorRow[] = [];
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  rows.push({ name: 'netns: root', ok: root, detail: root ? 'running as root' : `uid ${process.getuid?.() ?? '?'}`, hint: 'network namespaces, veths and mounts need root (sudo)' });
  const missing: string[] = [];
  for (const tool of NETNS_HOST_TOOLS) if (!(await onPath(tool))) missing.push(tool);
  rows.push({
    name: 'netns: host tools',
    ok: missing.length === 0,
    detail: missing.length === 0 ? NETNS_HOST_TOOLS.join(', ') : `missing ${missing.join(', ')}`,
    hint: 'apt-get install iproute2 util-linux tar',
  });
  try {
    const tag = await currentImageTag();
    const dir = rootfsDirFor(tag);
    const complete = await stat(join(dir, '.mlab-complete')).then(() => true, () => false);
    rows.push({
      name: 'netns: image root filesystem',
      ok: complete,
      detail: complete ? `${dir} (${tag})` : `${dir} not exported yet`,
      hint: 'the first netns lab exports it (needs the Docker engine once, about a minute)',
    });
  } catch (e) {
    rows.push({ name: 'netns: image root filesystem', ok: false, detail: (e as Error).message });
  }
  return rows;
}
