/**
 * The topology file's schema: strict zod objects (unknown keys are errors), human units
 * parsed once (lab/model/units.ts). `TopologyInput` is what a YAML file holds;
 * lab/loader resolves it into a frozen, fully-defaulted `Plan` (lab/model/plan.ts).
 * The JSON Schema for editors (topologies/topology.schema.json) is generated from this.
 */
import { z } from 'zod';
import { isWholeMs, isWholeUs, parseDuration, parsePercent, parseRate, parseSize } from './units';

/** Names reach command lines and Docker object names: a small safe alphabet only. */
export const NAME_PATTERN = /^[a-z][a-z0-9-]{0,14}$/;
export const Name = z
  .string()
  .regex(NAME_PATTERN, {
    message: 'expected a name of 1-15 characters: a lowercase letter, then lowercase letters, digits or "-"',
  })
  .meta({ description: 'A name that reaches command lines: [a-z][a-z0-9-]{0,14}', examples: ['pc1', 'vlan180'] });

function unit<T>(parse: (v: unknown) => T, description: string, examples: string[]) {
  return z
    .union([z.string(), z.number()])
    .transform((v, ctx) => {
      try {
        return parse(v);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
        return z.NEVER;
      }
    })
    .meta({ description, examples });
}

export const Size = unit(parseSize, 'A size: 2.5GB, 200MB, 1GiB (GB = 10^9 bytes)', ['2.5GB', '200MB']);
export const Rate = unit(parseRate, 'A rate in tc units: bit, kbit, mbit, gbit (SI)', ['1gbit', '100mbit']);
export const Duration = unit(parseDuration, 'A duration: us, ms, s, m', ['30ms', '3s']);
export const Percent = unit(parsePercent, 'A percentage from 0% to 100%', ['1%', '0.5%']);

const positiveRate = Rate.refine((r) => r > 0, { message: 'a rate must be greater than 0 (to cut a path, use a timeline cut event)' })
  .refine((r) => r <= 0 || r >= 8, { message: 'a rate below 8bit (1 byte per second) is below what tc can shape; give at least 8bit' })
  .refine((r) => r <= 100e9, { message: 'a rate above 100gbit is beyond what a veth pair can carry' });

/** A duration as written back in messages: `0.5us`, `1.5ms`. */
function durationShown(ms: number): string {
  return ms < 1 ? `${Number((ms * 1000).toPrecision(6))}us` : `${Number(ms.toPrecision(9))}ms`;
}

/**
 * A duration the lab's own clock must honour (timers, event times, check windows): whole
 * milliseconds. `zero` allows 0 (an event at the start); otherwise at least 1ms.
 */
function clockDuration(opts: { zero?: boolean } = {}) {
  return Duration.superRefine((ms, ctx) => {
    if (ms === 0 && opts.zero) return;
    if (ms <= 0) ctx.addIssue({ code: 'custom', message: 'a duration must be at least 1ms' });
    else if (!isWholeMs(ms)) {
      ctx.addIssue({ code: 'custom', message: `${durationShown(ms)} is not a whole number of milliseconds, which is what the lab's clock counts (timers, event times, check windows); give at least 1ms, in whole ms` });
    }
  });
}

/** A delay or jitter: netem counts microseconds, so down to 1us, in whole us, and at most 60 s. */
const delay = Duration.superRefine((ms, ctx) => {
  if (ms > 60_000) ctx.addIssue({ code: 'custom', message: 'a delay above 60s is absurd for a lab path' });
  else if (ms !== 0 && !isWholeUs(ms)) ctx.addIssue({ code: 'custom', message: `${durationShown(ms)} is not a whole number of microseconds, the smallest step netem takes; give at least 1us` });
});

/** Impairment of one direction of a path. Rate uses tbf; the rest needs sch_netem. */
export const Impairment = z
  .strictObject({
    rate: positiveRate.optional().meta({ description: 'Rate limit (tbf), e.g. 1gbit' }),
    delay: delay.optional().meta({ description: 'One-way delay added on egress (netem)' }),
    jitter: delay.optional().meta({ description: 'Delay variation (netem); needs delay' }),
    loss: Percent.optional().meta({ description: 'Random loss (netem; nftables fallback)' }),
    corrupt: Percent.optional().meta({ description: 'Random bit corruption (netem)' }),
    duplicate: Percent.optional().meta({ description: 'Random duplication (netem)' }),
    reorder: Percent.optional().meta({ description: 'Reordering probability (netem); needs delay' }),
    limit: z.number().int().min(1).max(1_000_000).optional().meta({ description: 'Queue limit in packets' }),
  })
  .meta({ description: 'Impairment of one direction of a path' });

export const Path = Impairment.extend({
  subnet: z
    .string()
    .regex(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(1[6-9]|2[0-8])$/, {
      message: 'expected an IPv4 subnet with a prefix from /16 to /28, such as 10.180.0.0/24',
    })
    .optional()
    .meta({ description: 'IPv4 subnet; allocated from a free pool when absent' }),
  hosts: z.array(Name).min(2).optional().meta({ description: 'Hosts on this path (default: all hosts)' }),
  from: z
    .record(Name, Impairment)
    .optional()
    .meta({ description: 'Per-direction impairment: traffic leaving the named host on this path' }),
}).meta({ description: 'One path: a bridge network (a VLAN) joining the hosts' });

export const EndpointFlag = z.enum(['signal', 'subflow', 'backup', 'fullmesh']);
export const Endpoint = z.strictObject({
  path: Name.meta({ description: "The path whose address this endpoint uses" }),
  flags: z.array(EndpointFlag).min(1),
});

export const Mptcp = z.strictObject({
  enabled: z.boolean().default(true),
  pathManager: z.enum(['kernel', 'userspace']).default('kernel'),
  scheduler: Name.default('default'),
  checksum: z.boolean().default(false).meta({ description: 'net.mptcp.checksum_enabled (DSS checksum)' }),
  limits: z
    .strictObject({
      subflows: z.number().int().min(0).max(8).optional(),
      addAddrAccepted: z.number().int().min(0).max(8).optional(),
    })
    .optional(),
  endpoints: z.array(Endpoint).optional().meta({
    description: 'Endpoints; default: the server signals its addresses on every path but the first',
  }),
  sysctls: z
    .record(z.string().regex(/^[a-z_]{1,40}$/, { message: 'expected a net.mptcp sysctl name such as stale_loss_cnt' }), z.union([z.string().regex(/^[A-Za-z0-9_.-]{1,40}$/), z.number()]))
    .optional()
    .meta({ description: 'Extra net.mptcp.* sysctls, e.g. { stale_loss_cnt: 4 }' }),
});

/** Three sizes, `min default max` bytes, as net.ipv4.tcp_rmem/tcp_wmem take them. */
const BufferSizes = z
  .union([z.string(), z.array(z.union([z.string(), z.number()]))])
  .transform((v, ctx) => {
    const parts = typeof v === 'string' ? v.trim().split(/\s+/) : v;
    if (parts.length !== 3) {
      ctx.addIssue({ code: 'custom', message: `expected three sizes, min default max (as in "4KiB 128KiB 6MiB"), got ${parts.length}` });
      return z.NEVER;
    }
    try {
      const [min, def, max] = parts.map((p) => Math.round(parseSize(p))) as [number, number, number];
      if (!(min >= 1 && min <= def && def <= max && max <= 1 << 30)) throw new Error(`expected 1 B ≤ min ≤ default ≤ max ≤ 1 GiB, got ${min} ${def} ${max}`);
      return [min, def, max] as const;
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message });
      return z.NEVER;
    }
  })
  .meta({ description: 'min default max, e.g. "4KiB 128KiB 6MiB"', examples: ['4KiB 128KiB 6MiB'] });

export const Tcp = z.strictObject({
  congestionControl: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,15}$/, { message: 'expected a congestion control name such as cubic, reno or bbr' })
    .optional()
    .meta({ description: 'net.ipv4.tcp_congestion_control in the host; default cubic (not the machine\'s own: a namespace inherits it)' }),
  rmem: BufferSizes.optional().meta({ description: 'net.ipv4.tcp_rmem; default: the namespace\'s own' }),
  wmem: BufferSizes.optional().meta({ description: 'net.ipv4.tcp_wmem; default: the namespace\'s own' }),
});

export const Host = z.strictObject({
  role: z.enum(['server', 'client']).meta({ description: 'server listens (and signals), client connects' }),
  mptcp: Mptcp.optional(),
  tcp: Tcp.optional().meta({ description: 'The host\'s TCP settings (recorded in result.json)' }),
});

export const Traffic = z.strictObject({
  tool: z.enum(['http', 'iperf3', 'transfer']),
  direction: z.enum(['download', 'upload']).default('download').meta({
    description: 'download: data flows server → client (the seed); upload: client → server',
  }),
  protocol: z.enum(['mptcp', 'tcp']).default('mptcp'),
  size: Size.refine((s) => s > 0, { message: 'a size must be greater than 0' })
    .refine((s) => s <= 64e9, { message: 'a size above 64GB does not fit a RAM disk on a lab host' })
    .optional(),
  duration: clockDuration()
    .refine((d) => d <= 3_600_000, { message: 'a duration must be between 1ms and 1h' })
    .optional(),
  resume: z.boolean().default(true).meta({ description: 'http: resume a broken download with wget -c' }),
  server: Name.optional(),
  client: Name.optional(),
  port: z.number().int().min(1024).max(65535).optional().meta({ description: 'Server port; default 8080 for http, 5201 otherwise' }),
});

/** Middlebox faults a `fault` event can put on a path (lab/tc/faults.ts builds their nftables rules). */
export const FAULT_MODES = ['rewrite', 'strip-options', 'drop-syn-mptcp', 'reset'] as const;
export const CUT_MODES = ['down', 'blackhole'] as const;

export const Event = z.strictObject({
  at: clockDuration({ zero: true }).meta({ description: 'Time offset from the start of the traffic (whole ms; 0 is the start)' }),
  cut: Name.optional().meta({ description: 'Cut this path' }),
  restore: Name.optional().meta({ description: 'Restore this path' }),
  impair: Name.optional().meta({ description: 'Change this path\'s impairment' }),
  fault: Name.optional().meta({ description: 'Put a middlebox fault (mode) on this path; a fault at 0 is in place before the connection opens' }),
  unfault: Name.optional().meta({ description: 'Take the fault off this path' }),
  mode: z.enum([...CUT_MODES, ...FAULT_MODES]).optional().meta({
    description:
      'cut: down (the veth goes down: NO-CARRIER, an unplugged cable) or blackhole (packets dropped, carrier up). ' +
      'fault: rewrite (payload bytes of data segments changed, TCP checksum left as is), strip-options (TCP option 30, MPTCP, removed), ' +
      'drop-syn-mptcp (SYNs carrying MP_CAPABLE or MP_JOIN dropped), reset (every TCP segment answered with a RST)',
  }),
  set: Impairment.optional().meta({ description: 'impair only: the new impairment' }),
  from: Name.optional().meta({ description: 'impair or fault only: only the direction leaving this host (default: both directions)' }),
  every: z.number().int().min(1).max(1_000_000).optional().meta({ description: 'fault rewrite only: rewrite one data segment in this many (default 1: every one)' }),
});

const RateOrPercent = z.union([z.string(), z.number()]).transform((v, ctx) => {
  if (typeof v === 'string' && v.trim().endsWith('%')) {
    try {
      return { percent: parsePercent(v) } as const;
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message });
      return z.NEVER;
    }
  }
  try {
    return { rate: parseRate(v) } as const;
  } catch {
    ctx.addIssue({ code: 'custom', message: `expected a percentage of the capacity (85%) or a rate (1.7gbit), got ${JSON.stringify(v)}` });
    return z.NEVER;
  }
}).meta({ description: 'A bound: a percentage of the shaped capacity (85%) or an absolute rate (1.7gbit)', examples: ['85%', '1.7gbit'] });

/** A count from MPTCP's counters within min..max (either may be absent, not both). */
const CounterBound = z
  .strictObject({
    min: z.number().int().min(0).max(1_000_000).optional(),
    max: z.number().int().min(0).max(1_000_000).optional(),
  })
  .meta({ description: 'A counter bound: min and/or max, whole numbers', examples: [{ min: 1 }, { max: 0 }] });

export const Checks = z.strictObject({
  mptcp: z.boolean().optional().meta({ description: 'The connection really used MPTCP (MPCapable on both ends, joins seen)' }),
  integrity: z.boolean().optional().meta({ description: 'Transfer completed and its SHA-256 matched' }),
  aggregate: z
    .strictObject({
      min: RateOrPercent,
      perPath: RateOrPercent.optional().meta({
        description: "Each data path's own throughput in the same window ≥ this (of that path's rate, or absolute): an idle slow path cannot hide in the sum",
      }),
    })
    .optional()
    .meta({
      description: 'Goodput while every path is up ≥ min (of the sum of path rates, or absolute)',
    }),
  failover: z.strictObject({ min: RateOrPercent, within: clockDuration() }).optional().meta({
    description: 'During a cut, goodput ≥ min (of the surviving paths\' rate) reached within the given time',
  }),
  recovery: z
    .strictObject({
      within: clockDuration(),
      min: RateOrPercent.optional(),
      hold: clockDuration().optional().meta({ description: 'Once back ≥ min, the restored path must stay there this long (default 500ms)' }),
    })
    .optional()
    .meta({
      description: 'After a restore, the restored path carries traffic again (≥ min of its rate) within the given time',
    }),
  stall: z.strictObject({ below: RateOrPercent, longerThan: clockDuration() }).optional().meta({
    description: 'Fails when goodput stays below `below` for longer than `longerThan`',
  }),
  subflows: z.strictObject({ min: z.number().int().min(1).max(16), max: z.number().int().min(1).max(16).optional() }).optional(),
  backupIdle: z.strictObject({ path: Name, maxBytes: Size }).optional().meta({
    description: 'A backup path carries at most maxBytes while the primary paths are up',
  }),
  kernelLog: z.strictObject({ maxErrors: z.number().int().min(0).default(0) }).optional().meta({
    description: 'MPTCP error lines in the kernel log (e.g. mptcp_verif_dss_csum) during the run',
  }),
  fallback: z.enum(['expect', 'forbid']).optional().meta({
    description: 'MPTCP fallback counters (MPCapableFallback*, DSSCorruptionFallback, DssFallback, FallbackFailed, InfiniteMap*...) on both hosts: expect ≥ 1, or forbid (all 0). With expect, no default mptcp or subflows check is added',
  }),
  checksumErrors: CounterBound.optional().meta({
    description: 'DSS checksum errors (MPTcpExt.DataCsumErr, both hosts) within min..max; MPFailTx/MPFailRx reported beside them',
  }),
  subflowReset: CounterBound.optional().meta({
    description: 'Subflow resets (MP_RST: the larger of MPRstTx and MPRstRx summed over both hosts) within min..max',
  }),
});

export const Topology = z
  .strictObject({
    name: Name.optional().meta({ description: 'Defaults to the file name' }),
    description: z.string().min(1).meta({ description: 'What this lab shows and why its bounds are what they are' }),
    hosts: z.record(Name, Host),
    paths: z.record(Name, Path),
    traffic: Traffic,
    timeline: z.array(Event).default([]),
    checks: Checks.optional(),
  })
  .meta({ title: 'mptcp-lab topology', description: 'A Multipath TCP lab: hosts, paths, traffic, timeline and checks' });

export type TopologyInput = z.input<typeof Topology>;
export type TopologyParsed = z.output<typeof Topology>;
export type ImpairmentParsed = z.output<typeof Impairment>;
export type RateOrPercentBound = z.output<typeof RateOrPercent>;
