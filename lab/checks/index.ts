/** lab/checks: pure predicates over a RunRecord. */
export { evaluateCheck, evaluateChecks } from './evaluate';
export { WARMUP_MS, MIN_SAMPLES } from './windows';
