/**
 * Established TCP sockets on a port, per local address (the subflows of each path), read
 * from a host's /proc/PID/net/tcp and tcp6 only when they can have changed.
 *
 * Why: reading /proc/net/tcp walks the kernel's whole TCP hash table (sized by the
 * machine's memory, shared by every namespace), about 4.5 ms of CPU per file on a 24 GiB
 * host (measured by lab/bench). Read every sample, that is ~9% of a core at 100 ms sampling
 * and more than the whole transfer at 10 ms. The namespace's own TCP counters in
 * /proc/PID/net/snmp cost 0.05 ms and change whenever a socket enters ESTABLISHED or leaves it
 * for any state but CLOSE_WAIT (CurrEstab, ActiveOpens, PassiveOpens, AttemptFails,
 * EstabResets), so the sockets are re-read only when that signature moved, or after
 * `maxAgeMs` (which bounds how late a subflow's ESTABLISHED → CLOSE_WAIT is seen).
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { countEstablished, parseProcNetTcp } from './proc-net-tcp';

const SIGNATURE_FIELDS = ['ActiveOpens', 'PassiveOpens', 'AttemptFails', 'EstabResets', 'CurrEstab'] as const;

/** The `Tcp:` counters of /proc/net/snmp that move when the set of established sockets changes; undefined if absent. */
export function tcpSignature(snmp: string): string | undefined {
  // Called every sample: find the two `Tcp:` lines (names, then values) without splitting the
  // whole file, and split only them.
  const first = snmp.startsWith('Tcp:') ? 0 : snmp.indexOf('\nTcp:') + 1;
  if (first === 0 && !snmp.startsWith('Tcp:')) return undefined;
  const firstEnd = lineEnd(snmp, first);
  if (!snmp.startsWith('Tcp:', firstEnd + 1)) return undefined;
  const names = snmp.slice(first, firstEnd).trim().split(/\s+/);
  const values = snmp.slice(firstEnd + 1, lineEnd(snmp, firstEnd + 1)).trim().split(/\s+/);
  const picked = SIGNATURE_FIELDS.map((f) => {
    const i = names.indexOf(f);
    return i < 0 ? undefined : values[i];
  });
  return picked.every((v) => v !== undefined && /^-?\d+$/.test(v)) ? picked.join(' ') : undefined;
}

function lineEnd(text: string, from: number): number {
  const nl = text.indexOf('\n', from);
  return nl < 0 ? text.length : nl;
}

export interface EstablishedReader {
  /** Established sockets to or from the port, by local address. */
  read(): Promise<Record<string, number>>;
  /** How many times the socket tables were read (for tests and the bench). */
  readonly fullReads: number;
}

export interface EstablishedOptions {
  /** Re-read at least this often even when the counters did not move (default 1000 ms). */
  maxAgeMs?: number;
  clock?: () => number;
  /** Reads a file ('' when absent); injectable for tests. */
  readText?: (path: string) => Promise<string>;
  /** Reads the small snmp file synchronously (a pass gives its kept files); default readFileSync. */
  readSmall?: (path: string) => string;
}

/** A reader of the established sockets on `port` in the network namespace of `pid`. */
export function establishedReader(pid: number, port: number, opts: EstablishedOptions = {}): EstablishedReader {
  const maxAgeMs = opts.maxAgeMs ?? 1000;
  const clock = opts.clock ?? (() => performance.now());
  // snmp is small and made in memory: read synchronously (~10 µs of CPU, against ~80 µs for
  // fs.promises.readFile). The socket tables take milliseconds to make: read them off the main thread.
  const readSmall = opts.readSmall ?? ((p: string) => readFileSync(p, 'latin1'));
  const readText =
    opts.readText ??
    ((p: string) => {
      if (!p.endsWith('/snmp')) return readFile(p, 'utf8').catch(() => '');
      try {
        return Promise.resolve(readSmall(p));
      } catch {
        return Promise.resolve('');
      }
    });
  let last: { signature: string; at: number; counts: Record<string, number> } | undefined;
  let fullReads = 0;
  return {
    get fullReads() {
      return fullReads;
    },
    async read() {
      const signature = tcpSignature(await readText(`/proc/${pid}/net/snmp`));
      const now = clock();
      if (last && signature !== undefined && signature === last.signature && now - last.at < maxAgeMs) return { ...last.counts };
      // A server listening on :: has its IPv4 subflows in tcp6 (as mapped addresses).
      const [tcp, tcp6] = await Promise.all([readText(`/proc/${pid}/net/tcp`), readText(`/proc/${pid}/net/tcp6`)]);
      fullReads++;
      const counts = countEstablished(parseProcNetTcp(`${tcp}\n${tcp6}`), { port, byLocalAddress: true }).byLocalAddress ?? {};
      // The signature read before the tables: a change while reading them shows as a change next time.
      last = signature === undefined ? undefined : { signature, at: now, counts };
      return { ...counts };
    },
  };
}
