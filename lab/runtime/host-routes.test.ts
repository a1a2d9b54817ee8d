import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseProcRoutes } from './host-routes';

describe('parseProcRoutes', () => {
  it('reads destinations and masks in host byte order, skipping the default route', () => {
    const text = readFileSync(join(__dirname, '__fixtures__/proc-net-route.txt'), 'utf8');
    expect(parseProcRoutes(text)).toEqual(['172.17.0.0/16', '192.0.2.0/24']);
  });
});
