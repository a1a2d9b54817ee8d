/** lab/observe: samplers and pure parsers. Everything reads files on the Docker host; nothing execs per sample. */
export { parseNetstat, diffCounters, pickMptcpCounters, MPTCP_COUNTERS_OF_INTEREST, MPTCP_PREFIX } from './netstat';
export type { MptcpCounterName } from './netstat';
export { parseProcNetTcp, countEstablished } from './proc-net-tcp';
export { establishedReader, tcpSignature } from './established';
export type { EstablishedReader, EstablishedOptions } from './established';
export type { TcpSocket } from './proc-net-tcp';
export { readInterfaceCounters } from './interfaces';
export type { InterfaceCounters } from './interfaces';
export { startSampler } from './sampler';
export type { Sample, Sampler, SamplerOptions } from './sampler';
export { countersToThroughput } from './throughput';
export { parseMptcpMonitorLine } from './mptcp-monitor';
export type { MptcpEventName, MptcpMonitorEvent } from './mptcp-monitor';
export { parseKernelLog, readKernelLogSince, markKernelLog, monotonicNowS } from './kernel-log';
export type { KernelLogLine, KernelLogMark } from './kernel-log';
export { parseSsMptcp } from './ss-mptcp';
export type { SsMptcpConnection } from './ss-mptcp';
