/**
 * checksum: the seed's DSS checksum (net.mptcp.checksum_enabled=1 on both hosts). The 1 GB
 * download must arrive whole with no checksum error counted or logged (the seed's failure was
 * `mptcp_verif_dss_csum csum is wrong`), and its throughput is compared with the same lab
 * without the checksum, run right after it on the same machine (so both see the same load).
 * The suite takes its own readings of the checksum run: both hosts' MPTcpExt counters from
 * /proc/PID/net/netstat, the received file's size and SHA-256 in pc2 against the served file's
 * in pc1 (`stat`, `sha256sum` in the containers), and its own sampler of the receiver's veths.
 */
import { readFileSync } from 'node:fs';
import { HTTP_DOWNLOAD, HTTP_FILE, loadTopology, loadTopologyText, runLab, topologyPath } from '../lab';
import type { CheckResult, Plan, RunOutcome, RunRecord } from '../lab';
import { checkNamed, counterOf, expectEveryCheckPasses, expectNothingLeft, heldLabPass, keepOwnReadings, ownCountersAll, ownDelta, rate, sh, suiteOutDir, type HeldPass } from './helpers';
import { fileSha256 } from './middlebox-readings';

jest.setTimeout(240_000);

/** The same topology with the DSS checksum off on both hosts: its YAML with `checksum: false`, through the loader. */
function withoutChecksum(): Plan {
  const file = topologyPath('checksum');
  const text = readFileSync(file, 'utf8');
  const off = text.replace(/^(\s+checksum:\s*)true\s*$/gm, '$1false');
  if ((off.match(/^\s+checksum:\s*false\s*$/gm) ?? []).length !== 2) throw new Error(`${file}: expected "checksum: true" on both hosts`);
  return loadTopologyText(off, file.replace(/\.yaml$/, '-off.yaml'));
}

describe('checksum: DSS checksum on both hosts, 1 GB over 2 x 1 Gbit/s', () => {
  let plan: Plan;
  let record: RunRecord;
  let checks: CheckResult[];
  const sysctl: Record<string, string> = {};
  let without: RunOutcome;
  let held: HeldPass;
  let countersBefore: Record<string, Record<string, number>> = {};
  let countersAfter: Record<string, Record<string, number>> = {};
  /** Our own look at the files: the download's size, and both files' SHA-256 (sha256sum in each container). */
  let files = { size: 0, received: '', served: '' };

  beforeAll(async () => {
    plan = loadTopology('checksum');
    held = await heldLabPass(plan, {
      watch: true,
      before: async (lab) => {
        for (const h of ['pc1', 'pc2']) sysctl[h] = (await sh(lab, h, ['sysctl', '-n', 'net.mptcp.checksum_enabled'])).trim();
        countersBefore = ownCountersAll(lab);
      },
      after: async (lab) => {
        countersAfter = ownCountersAll(lab);
        const sum = (h: string, f: string) => fileSha256(lab, h, f);
        const [size, received, served] = await Promise.all([sh(lab, 'pc2', ['stat', '-c', '%s', HTTP_DOWNLOAD]), sum('pc2', HTTP_DOWNLOAD), sum('pc1', HTTP_FILE)]);
        files = { size: Number(size.trim()), received, served };
      },
    });
    ({ record, checks } = held);
    without = await runLab(withoutChecksum(), { outDir: suiteOutDir('checksum', 'off') });
  });

  afterAll(expectNothingLeft);

  it('really ran with the checksum on both hosts (and the comparison run without it)', () => {
    expect(plan.hosts.map((h) => h.mptcp.checksum)).toEqual([true, true]);
    expect(sysctl).toEqual({ pc1: '1', pc2: '1' });
    expect(without.record.plan.hosts.map((h) => h.mptcp.checksum)).toEqual([false, false]);
  });

  it('passes every check: integrity, MPTCP with two subflows, aggregate ≥ 70%, no MPTCP error in the kernel log', () => {
    expectEveryCheckPasses(checks);
    expect(record.traffic.bytesReceived).toBe(1e9);
    expect(record.traffic.integrity?.ok).toBe(true);
    expect(checkNamed(checks, 'kernelLog').value).toBe(0);
    expect(record.kernelLog.filter((l) => /csum/i.test(l.line))).toEqual([]);
  });

  it('our own reading: pc2 holds exactly 1 GB whose SHA-256 equals the served file\'s, and the paths carried it (≥ 1 GB on the veths)', () => {
    keepOwnReadings(held, 'files', files);
    expect(files.size).toBe(1e9);
    expect(files.served).toMatch(/^[0-9a-f]{64}$/);
    expect(files.received).toBe(files.served);
    // And the lab's own hash agrees with ours.
    expect(record.traffic.integrity?.actual).toBe(files.received);
    const w = held.own!;
    const own = keepOwnReadings(held, 'veth bytes', w.bytes(w.passStart(), w.passEnd() + 1000));
    expect(own.vlan180! + own.vlan181!).toBeGreaterThanOrEqual(1e9);
    expect(own.vlan180! + own.vlan181!).toBeLessThan(1e9 * 1.1);
    for (const p of record.paths) expect([p.path, Math.abs(p.totalBytes - own[p.path]!) <= 0.05 * own[p.path]!]).toEqual([p.path, true]);
  });

  it('counted no DSS checksum error on either end (MPTcpExt.DataCsumErr = 0, and the counter was read)', () => {
    // Our own reading of the namespaces' counters, then the lab's.
    const own = keepOwnReadings(held, 'counters', Object.fromEntries(['pc1', 'pc2'].flatMap((h) => ['DataCsumErr', 'DSSCorruptionFallback', 'DSSCorruptionReset'].map((c) => [`${h} ${c}`, ownDelta(countersBefore[h]!, countersAfter[h]!, `MPTcpExt.${c}`)]))));
    expect(Object.entries(own).filter(([, v]) => v !== 0)).toEqual([]);
    for (const h of ['pc1', 'pc2']) {
      expect(record.counters[h]).toHaveProperty(['MPTcpExt.DataCsumErr']);
      expect([h, counterOf(record, h, 'DataCsumErr'), counterOf(record, h, 'DSSCorruptionFallback'), counterOf(record, h, 'DSSCorruptionReset')]).toEqual([h, 0, 0, 0]);
    }
    expect(record.mptcp).toMatchObject({ clientCapable: true, serverCapable: true, fellBack: false, maxSubflows: 2 });
  });

  it('costs no measurable throughput at 2 x 1 Gbit/s: within 15% of the same lab without the checksum', () => {
    const on = checkNamed(checks, 'aggregate').value!;
    const off = checkNamed(without.checks, 'aggregate').value!;
    const seen = { withChecksum: rate(on), without: rate(off) };
    // Measured (3 pairs, alternating): 1.80-1.87 Gbit/s with, 1.68-1.86 without: the links, not the CPU, are the limit.
    expect({ ...seen, ratioAtLeast085: on / off >= 0.85 }).toEqual({ ...seen, ratioAtLeast085: true });
    expect(without.checks.find((c) => c.name === 'integrity')?.status).toBe('pass');
  });
});
