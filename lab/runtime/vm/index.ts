/**
 * The VM runtime's machinery: a QEMU guest with a chosen kernel, booted from a cached
 * initramfs onto the host's root (read-only 9p, RAM overlay), running one command and
 * bringing back its exit code, output and files. The netns runtime runs inside it.
 */
export { resolveKernel, debianKernel, kernelFromPath, type GuestKernel } from './kernel';
export { BOOT_MODULES, LAB_MODULES, resolveModules, type ResolvedModules } from './modules';
export { buildInitramfs, type Initramfs } from './initramfs';
export { probeAccelerator, type AcceleratorProbe } from './accel-probe';
export { prepareGuest, runInGuest, resultFiles, type GuestResult, type PreparedGuest, type RunInGuestOptions } from './run-in-guest';
export { probeCapacity, checkCapacity, CAPACITY_SHARE, type GuestCapacity } from './capacity';
export { guestNetemWorks, guestNetemCached, type NetemProbe } from './netem-probe';
export { runLabInVm, requiredBps, type VmLabOptions, type VmLabOutcome } from './vm-lab';
export { guestEnvironment, VM_ENV } from './guest-env';
export { listLabGuests, type LabGuest } from './guest-processes';
export { killGroup } from './qemu-process';
export { vmCacheDir } from './cache';
export { VM_INSTALL_HINT } from './install-hint';
export type { Accelerator } from './qemu-args';
