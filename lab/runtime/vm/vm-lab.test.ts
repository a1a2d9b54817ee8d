import { loadTopologyFile } from '../../loader';
import { EnvironmentError, LabError, UsageError } from '../../model/errors';
import { guestEnvironment } from './guest-env';
import { defaultTimeoutMs, errorFromGuest, requiredBps } from './vm-lab';

describe('vm lab (pure parts)', () => {
  it('asks the sum of each path\'s fastest direction: long-rtt 2 x 10 Mbit/s', () => {
    expect(requiredBps(loadTopologyFile('long-rtt'))).toBe(20e6);
    expect(requiredBps(loadTopologyFile('two-vlan'))).toBe(2e9);
  });

  it('gives the guest boot, start and four times the traffic', () => {
    const plan = loadTopologyFile('long-rtt');
    expect(defaultTimeoutMs(plan, 384e6)).toBe(240_000 + 4 * 10_000);
  });

  it('records runtime vm, the guest kernel and the accelerator only inside a guest', () => {
    expect(guestEnvironment({}, '6.1.0-57-amd64')).toEqual({});
    expect(guestEnvironment({ MLAB_VM_ACCELERATOR: 'tcg' }, '6.1.0-57-amd64')).toEqual({});
    expect(guestEnvironment({ MLAB_IN_GUEST: '1', MLAB_VM_ACCELERATOR: 'tcg', MLAB_VM_HOST_KERNEL: '6.18.44', MLAB_VM_CAPACITY_BPS: '384000000' }, '6.1.0-57-amd64')).toEqual({
      runtime: 'vm',
      guestRuntime: 'netns',
      vmKernel: '6.1.0-57-amd64',
      vmAccelerator: 'tcg',
      vmHostKernel: '6.18.44',
      vmCapacityBps: 384e6,
    });
  });

  it('raises the guest\'s error again with its exit code', () => {
    const env = errorFromGuest({ type: 'EnvironmentError', message: 'x', missing: 'sch_netem', hint: 'h', detail: 'd' });
    expect(env).toBeInstanceOf(EnvironmentError);
    expect(env.message).toBe('sch_netem is not available (d (in the VM guest)). h');
    expect(errorFromGuest({ type: 'TopologyError', message: 'bad' })).toBeInstanceOf(UsageError);
    expect(errorFromGuest({ type: 'LabError', message: 'boom' })).toEqual(new LabError('boom (in the VM guest)'));
  });
});
