/** lab/tc: the project's tc/netem (and nftables) wrapper. Impairment → argv arrays; pure. */
export { buildClearArgv, buildShapingArgv, HANDLES } from './shaping';
export type { ShapingArgv, ShapingMechanism, ShapingOptions } from './shaping';
export { netemFeaturesOf, wantsNetem, NETEM_DEFAULT_LIMIT } from './netem';
export { tbfBurstBytes, GSO_MAX_BYTES, TBF_LATENCY_MS } from './tbf';
export { buildNftLossArgv, nftLossThreshold, NFT_LOSS_CHAIN, NFT_LOSS_TABLE } from './nft-loss';
export type { NftLossRule } from './nft-loss';
export { buildBlackholeArgv, buildUnblackholeArgv, BLACKHOLE_METHODS } from './blackhole';
export type { BlackholeMethod } from './blackhole';
export { parseTcQdiscJson, verifyShaping } from './readback';
export type { TcQdisc } from './readback';
export { formatMs, formatPercent } from './format';
export { buildFaultArgv, buildUnfaultAllArgv, describeFault, faultRuleArgs, faultRulesByHost, faultScript, NFT_FAULT_CHAIN, NFT_FAULT_TABLE, REWRITE_VALUE } from './faults';
export type { FaultPathEnd, NftFaultRule } from './faults';
