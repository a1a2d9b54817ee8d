import { kernelCmdline, qemuArgv, qemuOptValue } from './qemu-args';

const spec = { kernel: '/boot/vmlinuz-6.1.0-57-amd64', initramfs: '/c/i.cpio', accelerator: 'tcg' as const, cpus: 2, memoryMiB: 1024, consoleLog: '/r/console.log', ownerPid: 42 };

describe('qemuArgv', () => {
  it('boots the kernel directly under TCG with no network device and the host root read-only', () => {
    const a = qemuArgv({ ...spec, outDir: '/r/out' });
    expect(a).toEqual(expect.arrayContaining(['-nic', 'none', '-nodefaults', '-no-reboot', '-kernel', spec.kernel, '-initrd', spec.initramfs]));
    expect(a[a.indexOf('-accel') + 1]).toBe('tcg,thread=multi');
    expect(a[a.indexOf('-name') + 1]).toBe('mptcp-lab-vm.42');
    expect(a.filter((x) => x.startsWith('local,id=hostroot'))).toEqual(['local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap']);
    expect(a.some((x) => x.startsWith('local,id=labout,path=/r/out,') && !x.includes('readonly'))).toBe(true);
    expect(a.join(' ')).not.toMatch(/-netdev|user,|tap/);
  });
  it('has no output share for a probe boot, KVM with the host CPU', () => {
    const a = qemuArgv({ ...spec, accelerator: 'kvm', append: ['mlab.probe=1'] });
    expect(a.join(' ')).not.toContain('labout');
    expect(a.slice(a.indexOf('-accel'), a.indexOf('-accel') + 4)).toEqual(['-accel', 'kvm', '-cpu', 'host']);
    expect(a[a.indexOf('-append') + 1]).toBe(kernelCmdline(['mlab.probe=1']));
  });
  it('doubles commas in option values', () => {
    expect(qemuOptValue('/a,b')).toBe('/a,,b');
    expect(qemuArgv({ ...spec, consoleLog: '/x,y/c.log' })).toContain('file,id=console,path=/x,,y/c.log');
  });
});
