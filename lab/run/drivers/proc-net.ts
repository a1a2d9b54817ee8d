/** Reads of a lab host's network namespace from the Docker host, by its init PID: no exec. */
import { readFile } from 'node:fs/promises';
import { parseProcNetTcp } from '../../observe';

/** True when something in the host listens on TCP `port` (IPv4 or IPv6), from /proc/PID/net/tcp{,6}. */
export async function isListening(pid: number, port: number): Promise<boolean> {
  for (const file of ['tcp', 'tcp6']) {
    const text = await readFile(`/proc/${pid}/net/${file}`, 'utf8').catch(() => '');
    if (parseProcNetTcp(text).some((s) => s.state === 'LISTEN' && s.localPort === port)) return true;
  }
  return false;
}
