/**
 * Hashes a file that another process is still writing, from the Docker host (through
 * /proc/PID/root), so a download's SHA-256 is ready the moment it ends instead of costing
 * a second pass over gigabytes in the container. A file that shrinks (wget restarting from
 * zero) restarts the hash. Its stat is the one place the file's size is read: `size()` gives
 * it now, `lastSize` the latest one any caller saw.
 */
import { createHash, type Hash } from 'node:crypto';
import { statSync } from 'node:fs';
import { open } from 'node:fs/promises';

const CHUNK = 4 * 1024 * 1024;

/** Follows `path`, hashing bytes as they appear. */
export class FileFollower {
  private hash: Hash = createHash('sha256');
  private offset = 0;
  private busy: Promise<void> = Promise.resolve();
  private readonly buffer = Buffer.allocUnsafe(CHUNK);
  /** The size the latest `size()` (or pump) saw; undefined while the file is absent. */
  lastSize: number | undefined;

  constructor(private readonly path: string) {}

  /**
   * The file's size now (undefined while it is absent); also kept as `lastSize`. A stat is
   * read synchronously: every sample asks, and through fs.promises each cost the lab process
   * about 0.29 ms of its main thread (a 10 ms two-vlan run's profile, 2026-12-02: 351 ms over
   * 1231 samples) against a few µs for statSync, even through /proc/PID/root.
   */
  async size(): Promise<number | undefined> {
    try {
      this.lastSize = statSync(this.path).size;
    } catch {
      this.lastSize = undefined;
    }
    return this.lastSize;
  }

  /** Hashes whatever was appended since the last call (calls are serialised). */
  pump(): Promise<void> {
    this.busy = this.busy.then(() => this.readNew()).catch(() => undefined);
    return this.busy;
  }

  private async readNew(): Promise<void> {
    const size = await this.size();
    if (size === undefined) return;
    if (size < this.offset) {
      this.hash = createHash('sha256');
      this.offset = 0;
    }
    if (size === this.offset) return;
    const fh = await open(this.path, 'r');
    try {
      while (this.offset < size) {
        const { bytesRead } = await fh.read(this.buffer, 0, Math.min(CHUNK, size - this.offset), this.offset);
        if (bytesRead === 0) break;
        this.hash.update(this.buffer.subarray(0, bytesRead));
        this.offset += bytesRead;
      }
    } finally {
      await fh.close();
    }
  }

  /** Hashes the rest and returns the digest with the number of bytes it covers. */
  async digest(): Promise<{ sha256: string; bytes: number }> {
    await this.pump();
    return { sha256: this.hash.digest('hex'), bytes: this.offset };
  }
}
