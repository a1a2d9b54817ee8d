/**
 * What a lab run inside a VM guest adds to its record's environment. The host starts the
 * guest's lab with these variables set (vm-lab.ts); the guest's own measure step reads them,
 * so the record written in the guest already says runtime vm, which kernel and which
 * accelerator: one code path, no rewriting of result.json on the host afterwards.
 */
import { release } from 'node:os';

/** Environment variables the host passes into the guest's lab. */
export const VM_ENV = {
  accelerator: 'MLAB_VM_ACCELERATOR',
  hostKernel: 'MLAB_VM_HOST_KERNEL',
  qemu: 'MLAB_VM_QEMU',
  kernelImage: 'MLAB_VM_KERNEL_IMAGE',
  capacityBps: 'MLAB_VM_CAPACITY_BPS',
} as const;

/** The record's environment entries of a lab run in a guest (`{}` anywhere else). */
export function guestEnvironment(env: NodeJS.ProcessEnv = process.env, kernel = release()): Record<string, string | number> {
  const accelerator = env[VM_ENV.accelerator];
  if (env.MLAB_IN_GUEST !== '1' || !accelerator) return {};
  const out: Record<string, string | number> = { runtime: 'vm', guestRuntime: 'netns', vmKernel: kernel, vmAccelerator: accelerator };
  if (env[VM_ENV.hostKernel]) out.vmHostKernel = env[VM_ENV.hostKernel]!;
  if (env[VM_ENV.qemu]) out.vmQemu = env[VM_ENV.qemu]!;
  if (env[VM_ENV.kernelImage]) out.vmKernelImage = env[VM_ENV.kernelImage]!;
  const cap = Number(env[VM_ENV.capacityBps]);
  if (Number.isFinite(cap) && cap > 0) out.vmCapacityBps = cap;
  return out;
}
