import { withEndpoint } from './docker-client';

describe('withEndpoint', () => {
  it('adds the engine address to a reason that lacks it (a reset connection names no socket)', () => {
    expect(withEndpoint('read ECONNRESET', 'unix:///var/run/docker.sock')).toBe('read ECONNRESET (unix:///var/run/docker.sock)');
    expect(withEndpoint('socket hang up', 'tcp://10.0.0.5:2376')).toBe('socket hang up (tcp://10.0.0.5:2376)');
  });
  it('leaves a reason that already names the socket as it is', () => {
    expect(withEndpoint('connect ENOENT /var/run/docker.sock', 'unix:///var/run/docker.sock')).toBe('connect ENOENT /var/run/docker.sock');
  });
});
