/**
 * `ip mptcp monitor` lines (iproute2 ip/ipmptcp.c): `[%14s]` event name, then ` key=value`
 * pairs in a fixed order: token remid locid saddr4|saddr6 daddr4|daddr6 sport dport backup
 * error flags timeout ifindex reset_reason reset_flags, and (iproute2 ≥ 6.18) a bare
 * `server_side`. An event iproute2 does not know prints `[UNKNOWN n]`: iproute2 6.1 (Debian
 * 12) says that for the listener events kernels ≥ 6.3 send; they are named here from the uapi.
 */

export type MptcpEventName =
  | 'CREATED'
  | 'ESTABLISHED'
  | 'CLOSED'
  | 'ANNOUNCED'
  | 'REMOVED'
  | 'SF_ESTABLISHED'
  | 'SF_CLOSED'
  | 'SF_PRIO'
  | 'LISTENER_CREATED'
  | 'LISTENER_CLOSED';

export interface MptcpMonitorEvent {
  /** A known name, or `UNKNOWN_<n>` for an event number neither iproute2 nor this parser knows. */
  event: MptcpEventName | `UNKNOWN_${number}`;
  /** As printed (token is hex); a bare word such as `server_side` maps to `true`. */
  fields: Record<string, string>;
}

/** include/uapi/linux/mptcp.h: enum mptcp_event_type. */
const UAPI_EVENTS: Record<number, MptcpEventName> = {
  1: 'CREATED', 2: 'ESTABLISHED', 3: 'CLOSED', 6: 'ANNOUNCED', 7: 'REMOVED',
  10: 'SF_ESTABLISHED', 11: 'SF_CLOSED', 13: 'SF_PRIO', 15: 'LISTENER_CREATED', 16: 'LISTENER_CLOSED',
};
const NAMES = new Set<string>(Object.values(UAPI_EVENTS));
// Some iproute2 builds spell the priority event out.
const ALIASES: Record<string, MptcpEventName> = { SF_PRIORITY: 'SF_PRIO' };

/** Parses one monitor line; undefined for anything else (a blank line, an error message). */
export function parseMptcpMonitorLine(line: string): MptcpMonitorEvent | undefined {
  const m = /^\s*\[\s*([A-Z_]+(?: \d+)?)\s*\](.*)$/.exec(line);
  if (!m) return undefined;
  const raw = m[1]!;
  let event: MptcpMonitorEvent['event'];
  const unknown = /^UNKNOWN (\d+)$/.exec(raw);
  if (unknown) {
    const n = Number(unknown[1]);
    event = UAPI_EVENTS[n] ?? `UNKNOWN_${n}`;
  } else if (NAMES.has(raw)) event = raw as MptcpEventName;
  else if (ALIASES[raw]) event = ALIASES[raw];
  else return undefined;
  const fields: Record<string, string> = {};
  for (const word of m[2]!.trim().split(/\s+/).filter(Boolean)) {
    const eq = word.indexOf('=');
    if (eq < 0) fields[word] = 'true';
    else fields[word.slice(0, eq)] = word.slice(eq + 1);
  }
  return { event, fields };
}
