/**
 * Number formatting for tc and nft arguments: exact, no float noise, never an exponent
 * (iproute2 parses with strtod, but a snapshot of `3.0000000000000004%` helps nobody).
 */

/** 10 → `10ms`; 0.1 + 0.2 → `0.3ms` (up to 3 decimals: tc's clock has microsecond ticks). */
export function formatMs(ms: number): string {
  return `${Number(ms.toFixed(3))}ms`;
}

/** 0.1 + 0.2 → `0.3%` (up to 6 decimals; netem's 32-bit scale resolves about 2e-8 %). */
export function formatPercent(pct: number): string {
  return `${Number(pct.toFixed(6))}%`;
}

/** True when an impairment value asks for something (undefined and 0 both mean "off"). */
export function isOn(value: number | undefined): value is number {
  return value !== undefined && value > 0;
}
