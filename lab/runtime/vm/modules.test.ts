import { existsSync, readdirSync } from 'node:fs';
import { BOOT_MODULES, LAB_MODULES, parseShowDepends, resolveModules, showDependsArgv } from './modules';

const SAMPLE = `insmod /lib/modules/6.1.0-57-amd64/kernel/drivers/virtio/virtio_ring.ko 
insmod /lib/modules/6.1.0-57-amd64/kernel/drivers/virtio/virtio.ko 
insmod /lib/modules/6.1.0-57-amd64/kernel/drivers/virtio/virtio_pci.ko 
insmod /lib/modules/6.1.0-57-amd64/kernel/drivers/virtio/virtio_ring.ko 
insmod /lib/modules/6.1.0-57-amd64/kernel/drivers/virtio/virtio.ko 
insmod /lib/modules/6.1.0-57-amd64/kernel/net/9p/9pnet_virtio.ko 
insmod /lib/modules/6.1.0-57-amd64/kernel/drivers/net/dummy.ko numdummies=0 
builtin sch_fq_codel
builtin ipv6
`;

describe('parseShowDepends', () => {
  it('keeps each .ko once at its first position, with its parameters', () => {
    const r = parseShowDepends(SAMPLE, 'modprobe: WARNING: Module nft_meta not found in directory /lib/modules/6.1.0-57-amd64\n');
    expect(r.loads.map((l) => l.path.split('/').pop())).toEqual(['virtio_ring.ko', 'virtio.ko', 'virtio_pci.ko', '9pnet_virtio.ko', 'dummy.ko']);
    expect(r.loads[4]!.params).toEqual(['numdummies=0']);
    expect(r.builtin).toEqual(['sch_fq_codel', 'ipv6']);
    expect(r.missing).toEqual(['nft_meta']);
  });
});

describe('showDependsArgv', () => {
  it('is one argv with -a so every name is a module, not a parameter', () => {
    expect(showDependsArgv('6.1.0-57-amd64', ['veth', 'sch_netem'])).toEqual(['modprobe', '-a', '-d', '/', '-S', '6.1.0-57-amd64', '--show-depends', 'veth', 'sch_netem']);
  });
});

const installed = existsSync('/lib/modules') ? readdirSync('/lib/modules').filter((v) => existsSync(`/lib/modules/${v}/modules.dep`) && existsSync(`/boot/vmlinuz-${v}`)) : [];
(installed.length ? describe : describe.skip)('resolveModules on an installed kernel', () => {
  it('lists boot modules first-dependencies-first and finds the lab qdiscs', async () => {
    const r = await resolveModules(installed[0]!);
    const names = r.loads.map((l) => l.path.split('/').pop()!.replace(/\.ko.*$/, ''));
    for (const m of ['virtio_pci', '9pnet_virtio', '9p', 'overlay']) expect(names.includes(m) || r.builtin.includes(m)).toBe(true);
    if (names.includes('virtio_pci')) expect(names.indexOf('virtio_ring')).toBeLessThan(names.indexOf('virtio_pci'));
    expect(r.missing.filter((m) => BOOT_MODULES.includes(m))).toEqual([]);
    expect(LAB_MODULES.filter((m) => !names.includes(m) && !r.builtin.includes(m) && !r.missing.includes(m))).toEqual([]);
  });
  it('names a boot module the kernel lacks as an environment error (exit 3)', async () => {
    await expect(resolveModules(installed[0]!, '/', ['no_such_module_x', ...BOOT_MODULES.slice(0, 1)])).resolves.toMatchObject({ missing: ['no_such_module_x'] });
    await expect(resolveModules('0.0.0-none')).rejects.toMatchObject({ exitCode: 3 });
  });
});
