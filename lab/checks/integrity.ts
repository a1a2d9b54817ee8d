/**
 * integrity: every byte arrived, and they are the bytes that were sent (SHA-256 on both
 * ends). The seed's broken downloads had to be resumed; this check says whether the result
 * was still whole.
 */
import type { CheckResult, RunRecord } from '../model/record';
import { formatSize } from '../model/units';
import { cannotMeasure, verdict } from './bounds';

/** The traffic completed and the receiver's SHA-256 matches the sender's. */
export function checkIntegrity(record: RunRecord): CheckResult {
  const { traffic } = record;
  const expectedBytes = traffic.bytesExpected;
  const expected = expectedBytes === undefined ? 'completed, SHA-256 equal' : `${formatSize(expectedBytes)} received, SHA-256 equal`;
  const sizes = { bound: expectedBytes, value: traffic.bytesReceived, unit: 'bytes' };
  if (!traffic.completed) {
    const of = expectedBytes === undefined ? '' : ` of ${formatSize(expectedBytes)} (${expectedBytes} bytes)`;
    return verdict(false, {
      name: 'integrity',
      kind: 'integrity',
      expected,
      measured: `incomplete: ${formatSize(traffic.bytesReceived)}`,
      ...sizes,
      message: `the ${traffic.tool} transfer did not complete: ${traffic.bytesReceived} bytes received${of}${traffic.error ? `; ${firstLine(traffic.error)}` : ''}`,
    });
  }
  if (traffic.integrity === null) {
    return cannotMeasure('integrity', 'integrity', expected, `this tool cannot verify integrity (${traffic.tool} does not hash what it receives); use tool: transfer or http`);
  }
  const { ok, expected: sent, actual } = traffic.integrity;
  const resumed = traffic.resumes > 0 ? ` after ${traffic.resumes} resume${traffic.resumes === 1 ? '' : 's'}` : '';
  return verdict(ok, {
    name: 'integrity',
    kind: 'integrity',
    expected,
    measured: ok ? `${formatSize(traffic.bytesReceived)}, SHA-256 equal` : `SHA-256 differs`,
    ...sizes,
    message: ok
      ? `${traffic.bytesReceived} bytes received${resumed}, SHA-256 ${short(actual)} matches`
      : `SHA-256 mismatch${resumed}: sent ${short(sent)}, received ${short(actual)} (${traffic.bytesReceived} bytes)`,
  });
}

function short(hash: string): string {
  return hash.length > 16 ? `${hash.slice(0, 16)}…` : hash;
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.slice(0, 200) ?? '';
}
