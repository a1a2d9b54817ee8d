import type { CheckResult } from '../model/record';
import { countsText, summarizeChecks, verdictWord } from './summary';

const c = (status: CheckResult['status']): CheckResult => ({ name: status, kind: 'mptcp', status, expected: '', measured: '', message: '' });

describe('summarizeChecks', () => {
  it('exits 0 when everything passed or was skipped', () => {
    const s = summarizeChecks([c('pass'), c('skipped')]);
    expect(s).toEqual({ passed: 1, failed: 0, errors: 0, skipped: 1, exitCode: 0 });
    expect(verdictWord(s)).toBe('PASS');
  });

  it('exits 1 on a failure, and on an error (an unmeasured check is not a pass)', () => {
    expect(summarizeChecks([c('pass'), c('fail')]).exitCode).toBe(1);
    const s = summarizeChecks([c('pass'), c('error')]);
    expect(s.exitCode).toBe(1);
    expect(verdictWord(s)).toBe('FAIL');
    expect(countsText(s)).toBe('1 passed, 0 failed, 1 error, 0 skipped');
  });

  it('says NO CHECKS rather than PASS for an empty list', () => {
    expect(verdictWord(summarizeChecks([]))).toBe('NO CHECKS');
  });
});
