/** Short human figures for messages and notes: `200 MB`, `2 Gbit/s`, `0.8 s` (no trailing zeros). */
import { formatDuration, formatRate, formatSize } from '../model/units';

function trimZeros(text: string): string {
  return text.replace(/\.0+(?= )/, '').replace(/(\.\d*?)0+(?= )/, '$1');
}

/** 2e8 → `200 MB`. */
export function sizeText(bytes: number): string {
  return trimZeros(formatSize(bytes));
}

/** 2e9 → `2 Gbit/s`. */
export function rateText(bps: number): string {
  return trimZeros(formatRate(bps));
}

/** 800 → `0.8 s`, 3000 → `3 s`, 30 → `30 ms`. */
export function timeText(ms: number): string {
  return ms >= 100 ? trimZeros(`${(ms / 1000).toFixed(2)} s`) : trimZeros(formatDuration(ms));
}
