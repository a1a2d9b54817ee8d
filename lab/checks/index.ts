/** lab/checks: pure predicates over a RunRecord. */
export { evaluateChecks } from './evaluate';
export { MIN_SAMPLES } from './windows';
