import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIAG_HELPER, DUMP_EVERY_MS, findPython, parseDiagReply, subflowDiagArgv, subflowDiagReader, subflowReader } from './subflow-diag';
import { subflowStatsReader, type SubflowStat } from './subflow-stats';

describe('subflow-diag', () => {
  it('turns a reply line into SubflowStats (absent figures NaN, as the ss parser leaves them) and an error reply into a throw', () => {
    const line = JSON.stringify({
      ok: true,
      dumped: false,
      stats: [{ local: '10.180.3.2:8080', remote: '10.180.3.3:40000', state: 'ESTAB', family: 'inet', rttMs: 1.5, rttVarMs: 0.5, rtoMs: 204, cwnd: 10, deliveryRateBps: null, retrans: 0, retransNow: 0, backoff: 0, bytesAcked: 5, bytesSent: 5, bytesRetrans: 0, bytesReceived: 0, unacked: 0, lost: 0, mptcp: { token: 'ab12', localId: 0, remoteId: 0, backup: false, flags: 'Mmec' } }],
    });
    const r = parseDiagReply(line);
    expect(r.dumped).toBe(false);
    expect(r.stats[0]).toMatchObject({ rttMs: 1.5, cwnd: 10, mptcp: { token: 'ab12', flags: 'Mmec' } });
    expect(r.stats[0]!.deliveryRateBps).toBeNaN();
    expect(() => parseDiagReply('{"ok":false,"error":"PermissionError: [Errno 1]"}')).toThrow(/subflow diag: PermissionError/);
  });

  it("prefers Debian's python3 (a pyenv shim is a shell script), else the first on PATH", () => {
    const found = findPython(['/nonexistent']);
    if (existsSync('/usr/bin/python3')) expect(found).toBe('/usr/bin/python3');
    const dir = mkdtempSync(join(tmpdir(), 'py-'));
    try {
      writeFileSync(join(dir, 'python3'), '#!/bin/sh\n', { mode: 0o755 });
      if (!existsSync('/usr/bin/python3')) expect(findPython([dir])).toBe(join(dir, 'python3'));
      else expect(findPython([dir])).toBe('/usr/bin/python3');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('builds an argv with the pid and port as separate words, and refuses bad ones', () => {
    expect(subflowDiagArgv(42, 8080, { python: '/usr/bin/python3' })).toEqual(['nsenter', '--target', '42', '--net', '/usr/bin/python3', '-I', '-S', DIAG_HELPER, '8080', String(DUMP_EVERY_MS)]);
    expect(() => subflowDiagArgv(0, 8080, { python: 'p' })).toThrow(/pid/);
    expect(() => subflowDiagArgv(1, 0, { python: 'p' })).toThrow(/port/);
  });

  it('falls back to ss, saying why, where there is no python3', async () => {
    const r = subflowReader(process.pid, 9, { python: null });
    expect(r.kind).toBe('ss');
    expect(r.fallback).toMatch(/no python3/);
    await r.close();
  });

  it('uses ss when MPTCP_LAB_SUBFLOW_READER=ss asks for it', async () => {
    const r = subflowReader(process.pid, 9, { env: { MPTCP_LAB_SUBFLOW_READER: 'ss' } });
    expect([r.kind, r.fallback]).toEqual(['ss', 'MPTCP_LAB_SUBFLOW_READER=ss: ss reads the subflows']);
    await r.close();
  });

  it('falls back to ss when the helper fails its first read', async () => {
    const r = subflowReader(process.pid, 9, { python: '/bin/false' });
    expect(r.kind).toBe('sock_diag');
    try {
      await r.read().catch(() => undefined);
      expect(r.kind).toBe('ss');
      expect(r.fallback).toMatch(/failed its first read .*ended \(exit 1\)/);
    } finally {
      await r.close();
    }
  });

  // The real thing, in this machine's own namespace: an MPTCP connection over loopback held by
  // a python3 child (socket.IPPROTO_MPTCP), read by the helper and by ss: the two must agree.
  const python = findPython();
  const root = process.getuid?.() === 0 && python !== undefined && readFileSync('/proc/sys/net/mptcp/enabled', 'utf8').trim() === '1';
  (root ? describe : describe.skip)('on this host (root, python3, MPTCP enabled)', () => {
    let holder: ChildProcess;
    let port = 0;
    beforeAll(async () => {
      // Server and client in one process; the client keeps sending so the figures move.
      const script = [
        'import socket, sys, threading, time',
        'srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_MPTCP)',
        "srv.bind(('127.0.0.1', 0)); srv.listen()",
        "c = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_MPTCP); c.connect(srv.getsockname())",
        'a, _ = srv.accept()',
        'threading.Thread(target=lambda: [a.recv(1 << 20) for _ in iter(int, 1)], daemon=True).start()',
        "print(srv.getsockname()[1], flush=True)",
        "threading.Thread(target=lambda: [c.sendall(b'x' * 65536) or time.sleep(0.01) for _ in iter(int, 1)], daemon=True).start()",
        'sys.stdin.read()',
      ].join('\n');
      holder = spawn(python!, ['-c', script], { stdio: ['pipe', 'pipe', 'inherit'] });
      port = await new Promise<number>((resolve, reject) => {
        holder.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
        holder.once('exit', (code) => reject(new Error(`the MPTCP holder exited (${code})`)));
      });
    });
    afterAll(() => {
      holder.stdin!.end();
      holder.kill();
    });

    const key = (s: SubflowStat) => `${s.local} ${s.remote}`;

    it('reads the subflows as ss does: addresses, family, cwnd, RTO, MPTCP tokens, ids and flags; lookups after the first dump; close() ends it', async () => {
      const diag = subflowDiagReader(process.pid, port, { python: python! });
      const ss = subflowStatsReader(process.pid, port);
      try {
        const viaDiag = await diag.read();
        const viaSs = await ss.read();
        expect(viaDiag.map(key).sort()).toEqual(viaSs.map(key).sort());
        expect(viaDiag).toHaveLength(2);
        for (const d of viaDiag) {
          const s = viaSs.find((x) => key(x) === key(d))!;
          expect({ family: d.family, state: d.state, cc: d.cc, rtoMs: d.rtoMs, mptcp: d.mptcp }).toEqual({ family: s.family, state: s.state, cc: s.cc, rtoMs: s.rtoMs, mptcp: s.mptcp });
          expect(d.mptcp?.token).toMatch(/^[0-9a-f]{4,8}$/);
          // Read moments apart on a live connection: the same order of magnitude, not the same number.
          expect(d.cwnd).toBeGreaterThanOrEqual(1);
          expect(Math.abs(d.bytesAcked - s.bytesAcked)).toBeLessThanOrEqual(Math.max(s.bytesAcked, d.bytesAcked) * 0.5 + 10 * 65536);
        }
        const sender = viaDiag.find((d) => d.bytesAcked > 0)!;
        expect(sender.rttMs).toBeGreaterThan(0);
        expect(diag.dumps).toBe(1);
        const again = await diag.read();
        expect(diag.dumps).toBe(1);
        expect(again.map(key).sort()).toEqual(viaDiag.map(key).sort());
        expect(again.find((d) => key(d) === key(sender))!.bytesAcked).toBeGreaterThanOrEqual(sender.bytesAcked);
        await diag.read(true);
        expect(diag.dumps).toBe(2);
      } finally {
        await diag.close();
        await ss.close();
      }
      await expect(diag.read()).rejects.toThrow(/subflow diag helper .* ended/);
    });

    it('costs a fraction of an ss read (CPU per read over 200 reads, both printed)', async () => {
      const cpuOf = (pid: number) => {
        const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * 10;
      };
      const n = 200;
      const measure = async (r: { read(): Promise<unknown>; readonly pid?: number; close(): Promise<void> }) => {
        await r.read();
        const c0 = cpuOf(r.pid!);
        const self0 = process.cpuUsage();
        for (let i = 0; i < n; i++) await r.read();
        const self = process.cpuUsage(self0);
        const ms = (cpuOf(r.pid!) - c0) / n + (self.user + self.system) / 1000 / n;
        await r.close();
        return ms;
      };
      const diagMs = await measure(subflowDiagReader(process.pid, port, { python: python!, dumpEveryMs: 1e9 }));
      // ss's children are reaped by the session's shell: its cutime/cstime count them.
      const ssMs = await measure(subflowStatsReader(process.pid, port));
      process.stdout.write(`subflow readers, n=${n}, load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}: sock_diag lookups ${diagMs.toFixed(3)} ms CPU per read (helper + node), ss session ${ssMs.toFixed(3)} ms\n`);
      expect(diagMs).toBeLessThan(ssMs);
    }, 60_000);
  });
});
