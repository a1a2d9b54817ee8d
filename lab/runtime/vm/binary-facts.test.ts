import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { bzImageVersion, isStaticElf } from './binary-facts';

function fakeBzImage(version: string): Buffer {
  const b = Buffer.alloc(0x800);
  b.write('HdrS', 0x202, 'latin1');
  b.writeUInt16LE(0x400, 0x20e);
  b.write(`${version} (builder@host) #1 SMP\0`, 0x600, 'latin1');
  return b;
}

describe('bzImageVersion', () => {
  it('reads the release from the setup header', () => {
    expect(bzImageVersion(fakeBzImage('6.12.3-custom'))).toBe('6.12.3-custom');
  });
  it('says undefined for something that is not a bzImage', () => {
    expect(bzImageVersion(Buffer.alloc(0x800))).toBeUndefined();
    expect(bzImageVersion(Buffer.from('short'))).toBeUndefined();
  });
  const debian = existsSync('/boot') ? readdirSync('/boot').filter((f) => f.startsWith('vmlinuz-')) : [];
  (debian.length ? it : it.skip)('agrees with the file name of an installed Debian kernel', () => {
    const name = debian[0]!;
    expect(bzImageVersion(readFileSync(`/boot/${name}`))).toBe(name.slice('vmlinuz-'.length));
  });
});

describe('isStaticElf', () => {
  it('says false for a dynamic executable (node itself) and for non-ELF bytes', () => {
    expect(isStaticElf(readFileSync(process.execPath))).toBe(false);
    expect(isStaticElf(Buffer.from('#!/bin/sh\n'.padEnd(80)))).toBe(false);
  });
  const file = spawnSync('file', ['-bL', '/bin/busybox'], { encoding: 'utf8' });
  (file.status === 0 && existsSync('/bin/busybox') ? it : it.skip)('agrees with `file` on /bin/busybox (static from busybox-static, dynamic from busybox)', () => {
    expect(isStaticElf(readFileSync('/bin/busybox'))).toBe(/statically linked/.test(file.stdout));
  });
});
