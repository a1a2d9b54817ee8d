// import('mptcp-lab'): the public API (lab/index.ts), its TypeScript loaded by tsx. The names
// are listed because an ES module's exports are static; lab/api/package-entry.test.ts keeps
// this list equal to lab/index.ts's.
import { createRequire } from 'node:module';

await import('tsx');
const api = createRequire(import.meta.url)('./index.ts');

export const {
  CPU_BOUND_STEAL_PCT,
  DEFAULT_TCP,
  EnvironmentError,
  HTTP_DOWNLOAD,
  HTTP_FILE,
  LABELS,
  LabError,
  NFT_LOSS_CHAIN,
  NFT_LOSS_TABLE,
  RATE_KINDS,
  TOPOLOGIES_DIR,
  TopologyError,
  UsageError,
  capacityBps,
  checkHostFor,
  cleanLeftovers,
  cleanNetnsLeftovers,
  connectDocker,
  dataPaths,
  ensureRootfs,
  evaluateChecks,
  exitCodeFor,
  formatProblem,
  formatRate,
  formatSize,
  hostAddress,
  listLeftovers,
  listNetnsLeftovers,
  listTopologyFiles,
  loadTopology,
  loadTopologyText,
  measureLab,
  parseDuration,
  parsePercent,
  parseRate,
  parseSize,
  prepareOutDir,
  probeHost,
  renderReport,
  runLab,
  startLab,
  timestamp,
  topologyPath,
  writeReports,
} = api;
