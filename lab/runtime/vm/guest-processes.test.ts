import { guestOwnerFromArgv, listLabGuests } from './guest-processes';

describe('guestOwnerFromArgv', () => {
  it('reads the owner from the lab -name of a qemu argv only', () => {
    expect(guestOwnerFromArgv(['/usr/bin/qemu-system-x86_64', '-name', 'mptcp-lab-vm.1234', '-m', '1024'])).toBe(1234);
    expect(guestOwnerFromArgv(['/usr/bin/qemu-system-x86_64', '-name', 'other'])).toBeUndefined();
    expect(guestOwnerFromArgv(['sleep', '-name', 'mptcp-lab-vm.1'])).toBeUndefined();
  });
  it('finds none started by this test process', () => {
    expect(listLabGuests(process.pid)).toEqual([]);
  });
});
