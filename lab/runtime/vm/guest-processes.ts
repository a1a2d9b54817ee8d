/**
 * The lab's QEMU guests still running on this machine, found by the `-name mptcp-lab-vm.<pid>`
 * in their argv (read from /proc), so `clean` and the tests can name and kill exactly those.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { GUEST_NAME_PREFIX } from './qemu-args';

/** One running guest: QEMU's pid and the pid of the lab process that started it. */
export interface LabGuest {
  pid: number;
  ownerPid: number;
}

/** The owner pid in a QEMU argv carrying the lab's -name, or undefined. */
export function guestOwnerFromArgv(argv: readonly string[]): number | undefined {
  const i = argv.indexOf('-name');
  const name = i >= 0 ? argv[i + 1] : undefined;
  if (!name?.startsWith(GUEST_NAME_PREFIX) || !argv[0]?.includes('qemu-system')) return undefined;
  const owner = Number(name.slice(GUEST_NAME_PREFIX.length));
  return Number.isInteger(owner) && owner > 0 ? owner : undefined;
}

/** Every lab guest running now, optionally only those started by `ownerPid`. */
export function listLabGuests(ownerPid?: number, procDir = '/proc'): LabGuest[] {
  const out: LabGuest[] = [];
  for (const entry of readdirSync(procDir)) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`${procDir}/${entry}/cmdline`, 'latin1').split('\0').filter(Boolean);
    } catch {
      continue;
    }
    const owner = guestOwnerFromArgv(argv);
    if (owner !== undefined && (ownerPid === undefined || owner === ownerPid)) out.push({ pid: Number(entry), ownerPid: owner });
  }
  return out;
}
