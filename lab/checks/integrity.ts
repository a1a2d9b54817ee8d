/**
 * integrity: every byte arrived, and they are the bytes that were sent (SHA-256 on both
 * ends). The seed's broken downloads had to be resumed; this check says whether the result
 * was still whole. The tool's own flags (`completed`, `ok`) are not trusted alone: the byte
 * count is compared with what was asked for and the hashes are compared here.
 */
import type { CheckResult, RunRecord } from '../model/record';
import { formatSize } from '../model/units';
import { cannotMeasure, verdict } from './bounds';

const SHA256 = /^[0-9a-f]{64}$/i;

/** The traffic completed with every expected byte, and the receiver's SHA-256 equals the sender's. */
export function checkIntegrity(record: RunRecord): CheckResult {
  const { traffic } = record;
  const expectedBytes = traffic.bytesExpected;
  // http hashes the file on both ends; the transfer agent checks every byte against the seed's
  // stream as it arrives, and each end's SHA-256 digests what it sent or verified.
  const equal = traffic.tool === 'transfer' ? 'every byte verified, end digests equal' : 'SHA-256 equal';
  const expected = expectedBytes === undefined ? `completed, ${equal}` : `${formatSize(expectedBytes)} received, ${equal}`;
  const sizes = { bound: expectedBytes, value: traffic.bytesReceived, unit: 'bytes' };
  const of = expectedBytes === undefined ? '' : ` of ${formatSize(expectedBytes)} (${expectedBytes} bytes)`;
  if (!traffic.completed) {
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
  // "Completed" with the wrong byte count is not whole, whatever the tool says.
  if (expectedBytes !== undefined && traffic.bytesReceived !== expectedBytes) {
    return verdict(false, {
      name: 'integrity',
      kind: 'integrity',
      expected,
      measured: `${formatSize(traffic.bytesReceived)} (${traffic.bytesReceived} bytes)`,
      ...sizes,
      message: `the ${traffic.tool} transfer reported completion with ${traffic.bytesReceived} bytes received${of}: ${traffic.bytesReceived < expectedBytes ? `${expectedBytes - traffic.bytesReceived} bytes missing` : `${traffic.bytesReceived - expectedBytes} bytes too many`}`,
    });
  }
  const { ok: claimed, expected: sent, actual } = traffic.integrity;
  const missing = [!isHash(sent) && `the sender's (${quote(sent)})`, !isHash(actual) && `the receiver's (${quote(actual)})`].filter(Boolean);
  if (missing.length) {
    return cannotMeasure('integrity', 'integrity', expected, `no SHA-256 was measured: ${missing.join(' and ')} ${missing.length > 1 ? 'are not SHA-256 hashes' : 'is not a SHA-256 hash'}${claimed ? ', though the tool reported ok' : ''}`);
  }
  const ok = sent.toLowerCase() === actual.toLowerCase();
  const disagree = claimed !== ok ? ` (the tool reported ${claimed ? 'ok' : 'a mismatch'}; the hashes say otherwise)` : '';
  const resumed = traffic.resumes > 0 ? ` after ${traffic.resumes} resume${traffic.resumes === 1 ? '' : 's'}` : '';
  return verdict(ok, {
    name: 'integrity',
    kind: 'integrity',
    expected,
    measured: ok ? `${formatSize(traffic.bytesReceived)}, ${equal}` : traffic.tool === 'transfer' ? 'end digests differ' : 'SHA-256 differs',
    ...sizes,
    message: ok
      ? `${traffic.bytesReceived} bytes received${resumed}, SHA-256 ${short(actual)} matches${disagree}`
      : `SHA-256 mismatch${resumed}: sent ${short(sent)}, received ${short(actual)} (${traffic.bytesReceived} bytes)${disagree}`,
  });
}

function isHash(h: unknown): h is string {
  return typeof h === 'string' && SHA256.test(h);
}

function quote(h: unknown): string {
  return typeof h === 'string' ? (h === '' ? 'empty' : `"${short(h)}"`) : 'missing';
}

function short(hash: string): string {
  return hash.length > 16 ? `${hash.slice(0, 16)}…` : hash;
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.slice(0, 200) ?? '';
}
