/**
 * A machine-wide lock around image builds: the Docker engine is shared by every checkout
 * and process on the machine, so two builds of the same image at once would only race.
 * O_EXCL create; stale when its holder is dead or it has not been refreshed for 15 min.
 */
import { open, readFile, stat, unlink, utimes } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

export const IMAGE_LOCK_PATH = path.join(os.tmpdir(), 'mptcp-lab-image.lock');
const STALE_MS = 15 * 60_000;
const REFRESH_MS = 60_000;
const POLL_MS = 500;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function staleHolder(file: string): Promise<{ stale: boolean; holder: string }> {
  try {
    const [text, st] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
    const pid = Number(text.split(' ')[0]);
    const stale = Date.now() - st.mtimeMs > STALE_MS || (Number.isInteger(pid) && pid > 0 && !alive(pid));
    // An empty file is a holder between create and write: alive by definition.
    return { stale, holder: Number.isInteger(pid) && pid > 0 ? `pid ${pid}` : 'another process' };
  } catch {
    // Vanished (released) or half-written: try again shortly.
    return { stale: false, holder: 'another process' };
  }
}

/** Waits for the lock and takes it; the returned function releases it. */
export async function acquireLock(
  file: string = IMAGE_LOCK_PATH,
  onWait?: (holder: string) => void,
): Promise<() => Promise<void>> {
  let told = false;
  for (;;) {
    try {
      const fh = await open(file, 'wx');
      await fh.writeFile(`${process.pid} ${new Date().toISOString()}\n`);
      await fh.close();
      // Builds can be slow on a slow mirror: keep the lock fresh so no one thinks it stale.
      const refresh = setInterval(() => void utimes(file, new Date(), new Date()).catch(() => undefined), REFRESH_MS);
      refresh.unref();
      return async () => {
        clearInterval(refresh);
        await unlink(file).catch(() => undefined);
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const { stale, holder } = await staleHolder(file);
    if (stale) {
      await unlink(file).catch(() => undefined);
      continue;
    }
    if (!told) onWait?.(holder);
    told = true;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
