/** Reads of a lab host's network namespace from the Docker host, by its init PID: no exec. */
import { readFile, stat } from 'node:fs/promises';

/** True when something in the host listens on TCP `port` (IPv4 or IPv6), from /proc/PID/net/tcp{,6}. */
export async function isListening(pid: number, port: number): Promise<boolean> {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const file of ['tcp', 'tcp6']) {
    const text = await readFile(`/proc/${pid}/net/${file}`, 'utf8').catch(() => '');
    // st 0A is LISTEN
    if (text.split('\n').some((l) => l.includes(`:${hexPort} `) && / 0A /.test(l))) return true;
  }
  return false;
}

/** Size of a file inside the host's filesystem (via /proc/PID/root), or undefined if absent. */
export async function fileSizeIn(pid: number, path: string): Promise<number | undefined> {
  try {
    return (await stat(`/proc/${pid}/root${path}`)).size;
  } catch {
    return undefined;
  }
}
