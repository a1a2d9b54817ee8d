/**
 * The middlebox suites' own readings, beside helpers.ts's (counters, veths): the served and
 * downloaded files compared byte by byte straight from the Docker host (each container's
 * RAM disk under /proc/PID/root, no exec), their SHA-256 by `sha256sum` inside the hosts,
 * and the fault's hit counts as the lab noted them.
 */
import { createReadStream } from 'node:fs';
import { HTTP_DOWNLOAD, HTTP_FILE, type RecordedEvent, type RunningLab, type RunRecord } from '../lab';
import { heldLabOnce, ownCountersAll, ownDelta, sh, type HeldRun } from './helpers';

export interface FileReading {
  servedSize: number;
  receivedSize: number;
  served: string;
  received: string;
  /** Bytes that differ at the same offset, and the runs of consecutive differing bytes (one per rewrite). */
  differingBytes: number;
  differingRuns: number;
  /** Offsets of the first few runs, for the record. */
  firstRuns: number[];
  /** Differing bytes whose received value is one of the middlebox's 0xde 0xad 0xbe 0xef. */
  middleboxBytes: number;
}

async function* chunks(path: string): AsyncGenerator<Buffer> {
  for await (const c of createReadStream(path, { highWaterMark: 1 << 20 })) yield c as Buffer;
}

/** Compares two files of the same length byte by byte, streaming both. */
export async function compareFiles(a: string, b: string): Promise<{ differingBytes: number; differingRuns: number; firstRuns: number[]; middleboxBytes: number }> {
  const ia = chunks(a);
  const ib = chunks(b);
  let bufA: Buffer = Buffer.alloc(0);
  let bufB: Buffer = Buffer.alloc(0);
  let offset = 0;
  let differingBytes = 0;
  let differingRuns = 0;
  let inRun = false;
  let middleboxBytes = 0;
  const firstRuns: number[] = [];
  for (;;) {
    if (bufA.length === 0) {
      const n = await ia.next();
      if (!n.done) bufA = n.value;
    }
    if (bufB.length === 0) {
      const n = await ib.next();
      if (!n.done) bufB = n.value;
    }
    const len = Math.min(bufA.length, bufB.length);
    if (len === 0) break;
    for (let i = 0; i < len; i++) {
      if (bufA[i] !== bufB[i]) {
        differingBytes++;
        if ([0xde, 0xad, 0xbe, 0xef].includes(bufB[i]!)) middleboxBytes++;
        if (!inRun) {
          differingRuns++;
          if (firstRuns.length < 10) firstRuns.push(offset + i);
        }
        inRun = true;
      } else inRun = false;
    }
    offset += len;
    bufA = bufA.subarray(len);
    bufB = bufB.subarray(len);
  }
  return { differingBytes, differingRuns, firstRuns, middleboxBytes };
}

/** SHA-256 of a file in a lab host (sha256sum there). Throws when there is no digest: two failed reads must not compare equal. */
export async function fileSha256(lab: RunningLab, host: string, file: string): Promise<string> {
  const r = await lab.exec(host, ['sha256sum', file], { timeoutMs: 60_000 });
  const digest = /^([0-9a-f]{64})\s/.exec(r.stdout)?.[1];
  if (r.exitCode !== 0 || !digest) throw new Error(`sha256sum ${file} on ${host} gave no digest (exit ${r.exitCode}): ${r.stderr.trim() || r.stdout.trim()}`);
  return digest;
}

/** The served file (on the server) against the download (on the client): sizes, SHA-256 in the hosts, and a byte-by-byte comparison from the Docker host. */
export async function readFiles(lab: RunningLab, server: string, client: string): Promise<FileReading> {
  const sum = (h: string, f: string) => fileSha256(lab, h, f);
  const [servedSize, receivedSize, served, received] = await Promise.all([
    sh(lab, server, ['stat', '-c', '%s', HTTP_FILE]),
    sh(lab, client, ['stat', '-c', '%s', HTTP_DOWNLOAD]),
    sum(server, HTTP_FILE),
    sum(client, HTTP_DOWNLOAD),
  ]);
  const diff = await compareFiles(`/proc/${lab.hosts[server]!.pid}/root${HTTP_FILE}`, `/proc/${lab.hosts[client]!.pid}/root${HTTP_DOWNLOAD}`);
  return { servedSize: Number(servedSize.trim()), receivedSize: Number(receivedSize.trim()), served, received, ...diff };
}

/** Packets the fault on `path` hit, per host, from the lab's note (`fault on vlan181 (rewrite) hit 0 packets in pc1, 3 packets in pc2 ...`). */
export function faultHits(record: Pick<RunRecord, 'notes'>, path: string): Record<string, number> {
  const note = record.notes.find((n) => n.startsWith(`fault on ${path} `));
  if (!note) throw new Error(`no fault note for ${path}; notes: ${record.notes.join(' | ')}`);
  return Object.fromEntries([...note.matchAll(/(\d+) packets? in ([a-z][a-z0-9-]*)/g)].map((m) => [m[2]!, Number(m[1])]));
}

/** The recorded fault event on `path` (throws when there is none). */
export function faultEvent(record: Pick<RunRecord, 'events'>, path: string): RecordedEvent {
  const e = record.events.find((x) => x.kind === 'fault' && x.path === path);
  if (!e) throw new Error(`no fault event on ${path}`);
  return e;
}

/** A middlebox suite's lab: held once, with the suite's own counters read before and after and both files read after. */
export interface MiddleboxRun {
  run: HeldRun;
  /** The suite's own MPTcpExt delta of a counter on a host. */
  own(host: string, counter: string): number;
  /** The served and downloaded files as the suite read them (set once the lab has run). */
  readonly files: FileReading;
}

/** Call inside a describe: holds the topology's lab once (veths watched), reading counters and files itself. */
export function middleboxRun(topology: string): MiddleboxRun {
  let before: Record<string, Record<string, number>> = {};
  let after: Record<string, Record<string, number>> = {};
  let files: FileReading | undefined;
  const run = heldLabOnce(topology, () => ({
    watch: true,
    before: (lab: RunningLab) => void (before = ownCountersAll(lab)),
    after: async (lab: RunningLab) => {
      after = ownCountersAll(lab);
      files = await readFiles(lab, 'pc1', 'pc2');
    },
  }));
  return {
    run,
    own: (h, c) => ownDelta(before[h]!, after[h]!, `MPTcpExt.${c}`),
    get files() {
      if (!files) throw new Error(`${topology}: the lab's files were not read (the lab did not run)`);
      return files;
    },
  };
}
