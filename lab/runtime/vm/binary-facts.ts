/**
 * Facts read from the bytes of a kernel image or an executable, without running them:
 * a bzImage's version string (its setup header), and whether an ELF binary is static
 * (no PT_INTERP: it runs in an initramfs with no libc beside it).
 */

/** The kernel release (`uname -r`) a bzImage declares in its setup header, or undefined if it is not one. */
export function bzImageVersion(image: Buffer): string | undefined {
  if (image.length < 0x210 || image.toString('latin1', 0x202, 0x206) !== 'HdrS') return undefined;
  const ptr = image.readUInt16LE(0x20e);
  if (ptr === 0) return undefined;
  const start = ptr + 0x200;
  if (start >= image.length) return undefined;
  const end = image.indexOf(0, start);
  const text = image.toString('latin1', start, end < 0 ? Math.min(image.length, start + 256) : end);
  const release = text.split(' ')[0];
  return release && /^\d+\.\d+/.test(release) ? release : undefined;
}

/** Whether `bin` is a 64-bit little-endian ELF executable with no program interpreter (statically linked). */
export function isStaticElf(bin: Buffer): boolean {
  if (bin.length < 64 || bin.readUInt32BE(0) !== 0x7f454c46 || bin[4] !== 2 || bin[5] !== 1) return false;
  const phoff = Number(bin.readBigUInt64LE(0x20));
  const phentsize = bin.readUInt16LE(0x36);
  const phnum = bin.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (at + 4 > bin.length) return false;
    if (bin.readUInt32LE(at) === 3 /* PT_INTERP */) return false;
  }
  return true;
}
