/**
 * mptcp-lab's public API: what the CLI, the suites, the bench and a user's own Jest suite
 * compose through. Nothing outside lab/ imports a module below this one
 * (lab/api/suites-use-api.test.ts holds suites/ to it).
 *
 *   const plan = loadTopology('two-vlan', { size: '500MB' });
 *   await using lab = await startLab(plan);
 *   const { record, checks } = await lab.measure();
 *   await writeReports(record, checks, 'reports/mine');
 */
export { loadTopology, type TopologyOverrides } from './api/load-topology';
export { startLab, type StartedLab, type StartOptions } from './api/started-lab';
export { measureLab, type Measurement, type MeasureOptions } from './api/measure';
export { writeReports } from './api/write-reports';
export { runLab, prepareOutDir, timestamp, type RunOptions, type RunOutcome } from './api/run-lab';
export { listLeftovers, cleanLeftovers, listNetnsLeftovers, cleanNetnsLeftovers } from './api/leftovers';
export type { CleanOptions, CleanReport, NetnsCleanReport, NetnsLeftovers } from './api/leftovers';
export { renderReport, type RenderedReport } from './api/render-report';
export { loadTopologyText, listTopologyFiles, topologyPath, TOPOLOGIES_DIR } from './loader';
export { evaluateChecks } from './checks';
/** The steal over the traffic at which the lab calls a run CPU-bound at times (lab/observe/host-cpu.ts). */
export { CPU_BOUND_STEAL_PCT, RATE_KINDS } from './observe/host-cpu';
export { EnvironmentError, LabError, TopologyError, UsageError, exitCodeFor, formatProblem } from './model/errors';
export { formatRate, formatSize, parseRate, parseSize, parseDuration, parsePercent } from './model/units';
export { dataPaths, capacityBps, hostAddress, DEFAULT_TCP } from './model/plan';
export type { Plan, PlanCheck, PlanEvent, PlanHost, PlanPath, PlanTraffic, Impairment } from './model/plan';
export type { CheckResult, CheckStatus, RunRecord, Series, PathSeries, MptcpVerdict, RecordedEvent, SubflowSeries } from './model/record';
export type { RunsSummary } from './model/summary';
export type { RunningLab, LabHost, LabInterface, LabPath, AppliedShaping, ExecResult, ExecOptions } from './runtime/types';
export { LABELS } from './runtime/types';
/** The Docker engine labs run on (DOCKER_HOST, else the local socket), as a dockerode client; fails with an EnvironmentError saying how to get one. */
export { connectDocker } from './runtime/docker-client';
/** What this machine offers a lab (Docker, kernel, MPTCP, qdiscs, nftables; probed once and cached), and the same checked against a plan's needs (EnvironmentError naming what is missing). */
export { probeHost, checkHostFor, type HostCapabilities } from './runtime/probe';
/** Where the http tool keeps the served file (in the server) and the download (in the client). */
export { HTTP_FILE, HTTP_DOWNLOAD } from './traffic/http';
/** The nftables table and chain of the nft-loss fallback (loss without netem) in a host, so a suite can read its drop counters. */
export { NFT_LOSS_TABLE, NFT_LOSS_CHAIN } from './tc';
/** The netns runtime's root filesystem, exported from the lab image once per image (startLab does it on first use; call it first to keep it out of a timing). */
export { ensureRootfs } from './runtime/netns/rootfs';
/** What startLab(plan, { runtime: 'netns' }) brings up: a RunningLab plus its namespaces' layout, bring-up times, root filesystem and configure read-backs. */
export type { NetnsRunningLab } from './runtime/netns/netns-lab';
