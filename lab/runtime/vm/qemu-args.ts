/**
 * QEMU's argv for one guest (pure): the kernel and initramfs booted directly, the serial
 * console to a file, the host's root as a read-only 9p share and the run's output directory as
 * a writable one, and no network device at all (-nic none): the guest reaches nothing outside,
 * only the veths it makes itself.
 */
import { HOSTROOT_TAG, OUT_TAG } from './guest-init';

/** kvm: hardware virtualisation; tcg: QEMU's emulator (works everywhere, CPU-heavy). */
export type Accelerator = 'kvm' | 'tcg';

/** Marks the guest's argv (`-name mptcp-lab-vm.<owner pid>`) so cleanup finds it by that alone. */
export const GUEST_NAME_PREFIX = 'mptcp-lab-vm.';

/** What one guest is. */
export interface GuestSpec {
  kernel: string;
  initramfs: string;
  accelerator: Accelerator;
  cpus: number;
  memoryMiB: number;
  consoleLog: string;
  /** Host directory shared writable as `labout`; absent for a probe boot. */
  outDir?: string;
  /** Words added to the kernel command line. */
  append?: readonly string[];
  ownerPid?: number;
}

/** A value inside a QEMU `-opt key=value,...` list: commas doubled. */
export function qemuOptValue(v: string): string {
  return v.replace(/,/g, ',,');
}

/** The kernel command line. */
export function kernelCmdline(append: readonly string[] = []): string {
  return ['console=ttyS0', 'panic=-1', 'quiet', 'loglevel=4', 'rdinit=/init', ...append].join(' ');
}

/** argv after the QEMU binary. */
export function qemuArgv(spec: GuestSpec): string[] {
  const accel = spec.accelerator === 'kvm' ? ['-accel', 'kvm', '-cpu', 'host'] : ['-accel', 'tcg,thread=multi', '-cpu', 'max'];
  const shares = [
    '-fsdev', `local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap`,
    '-device', `virtio-9p-pci,fsdev=hostroot,mount_tag=${HOSTROOT_TAG}`,
    ...(spec.outDir
      ? ['-fsdev', `local,id=labout,path=${qemuOptValue(spec.outDir)},security_model=none,multidevs=remap`, '-device', `virtio-9p-pci,fsdev=labout,mount_tag=${OUT_TAG}`]
      : []),
  ];
  return [
    '-name', `${GUEST_NAME_PREFIX}${spec.ownerPid ?? process.pid}`,
    '-nodefaults', '-no-user-config', '-no-reboot',
    ...accel,
    '-smp', String(spec.cpus),
    '-m', String(spec.memoryMiB),
    '-display', 'none', '-vga', 'none', '-monitor', 'none',
    '-nic', 'none',
    '-chardev', `file,id=console,path=${qemuOptValue(spec.consoleLog)}`,
    '-serial', 'chardev:console',
    '-kernel', spec.kernel,
    '-initrd', spec.initramfs,
    '-append', kernelCmdline(spec.append),
    ...shares,
  ];
}
