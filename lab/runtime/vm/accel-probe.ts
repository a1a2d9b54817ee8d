/**
 * Which accelerator boots here, found by booting (an openable /dev/kvm proves nothing: under
 * nested virtualisation a KVM guest can hang at "Booting from ROM"). KVM is tried with a short
 * timeout, a guest that reaches /init's probe marker and powers off passes; otherwise TCG is
 * tried the same way. The answer is cached by kernel release, kernel image and QEMU version.
 */
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvironmentError } from '../../model/errors';
import { hashOf, readJsonCache, vmCacheDir, writeJsonCache } from './cache';
import { consoleTail } from './console-log';
import { PROBE_ARG, PROBE_MARKER } from './guest-init';
import { VM_INSTALL_HINT } from './install-hint';
import type { GuestKernel } from './kernel';
import { qemuArgv, type Accelerator } from './qemu-args';
import { runQemu } from './qemu-process';

/** The probe's verdict. */
export interface AcceleratorProbe {
  accelerator: Accelerator;
  /** Why KVM was not used (absent when it was). */
  kvmRefused?: string;
  /** ms the chosen accelerator took from spawn to the guest's poweroff. */
  probeMs: number;
  qemuVersion: string;
  kernelVersion: string;
  cached: boolean;
}

/** Inputs of the probe. */
export interface ProbeInputs {
  qemu: string;
  qemuVersion: string;
  kernel: GuestKernel;
  initramfs: string;
  cacheDir?: string;
  /** How long a KVM boot may take before it counts as hung (default 10 s; a working KVM needs about 1 s). */
  kvmTimeoutMs?: number;
  tcgTimeoutMs?: number;
  /** Skip the cache (and refresh it). */
  fresh?: boolean;
}

/** Boots the probe guest once under `accelerator`: ok when QEMU exited 0 and the marker is on the console. */
export async function bootProbe(inp: ProbeInputs, accelerator: Accelerator, timeoutMs: number): Promise<{ ok: boolean; ms: number; why: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'mptcp-lab-vm-probe-'));
  try {
    const consoleLog = join(dir, 'console.log');
    const args = qemuArgv({ kernel: inp.kernel.image, initramfs: inp.initramfs, accelerator, cpus: 1, memoryMiB: 256, consoleLog, append: [PROBE_ARG] });
    const exit = await runQemu(inp.qemu, args, { timeoutMs });
    const text = readFileSync(consoleLog, 'latin1');
    const ok = exit.code === 0 && text.includes(PROBE_MARKER);
    const last = consoleTail(consoleLog, 1) || '(console empty)';
    const why = ok ? '' : exit.timedOut ? `a ${accelerator.toUpperCase()} guest did not reach /init in ${timeoutMs} ms (last console line: ${last})` : `qemu exited ${exit.code ?? exit.signal} without the probe marker (${exit.stderr ? `qemu: ${exit.stderr.split('\n').slice(-2).join('; ')}; ` : ''}last console line: ${last})`;
    return { ok, ms: exit.wallMs, why };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether this process may open /dev/kvm read-write, and if not why. */
export function kvmDeviceProblem(dev = '/dev/kvm'): string | undefined {
  try {
    statSync(dev);
    accessSync(dev, constants.R_OK | constants.W_OK);
    return undefined;
  } catch (e) {
    return `${dev}: ${(e as Error).message}`;
  }
}

/** KVM if a KVM guest boots, else TCG if a TCG guest does (each verdict cached), else an EnvironmentError. */
export async function probeAccelerator(inp: ProbeInputs): Promise<AcceleratorProbe> {
  const dir = vmCacheDir(inp.cacheDir);
  const key = `accel-${hashOf([inp.kernel.version, inp.kernel.image, statSync(inp.kernel.image).size, inp.qemuVersion]).slice(0, 16)}.json`;
  const hit = inp.fresh ? undefined : readJsonCache<AcceleratorProbe>(dir, key);
  if (hit) return { ...hit, cached: true };
  let kvmRefused = kvmDeviceProblem();
  let result: AcceleratorProbe | undefined;
  if (!kvmRefused) {
    const kvm = await bootProbe(inp, 'kvm', inp.kvmTimeoutMs ?? 10_000);
    if (kvm.ok) result = { accelerator: 'kvm', probeMs: kvm.ms, qemuVersion: inp.qemuVersion, kernelVersion: inp.kernel.version, cached: false };
    else kvmRefused = kvm.why;
  }
  if (!result) {
    const tcg = await bootProbe(inp, 'tcg', inp.tcgTimeoutMs ?? 60_000);
    if (!tcg.ok) throw new EnvironmentError(`a bootable guest (kernel ${inp.kernel.version}, ${inp.qemuVersion})`, VM_INSTALL_HINT, `KVM: ${kvmRefused}; TCG: ${tcg.why}`);
    result = { accelerator: 'tcg', kvmRefused, probeMs: tcg.ms, qemuVersion: inp.qemuVersion, kernelVersion: inp.kernel.version, cached: false };
  }
  writeJsonCache(dir, key, result);
  return result;
}
