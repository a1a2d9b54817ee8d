/**
 * A process that brings two-vlan up with the netns runtime, for suites/netns.test.ts: it
 * installs the CLI's signal handlers, prints each bring-up step (`step <text>`) and `up`,
 * then waits to be signalled. argv: <runId> <rootfs>.
 */
import { loadTopologyFile } from '../../../loader';
import { installSignalHandlers } from '../../lifecycle';
import { startNetnsLab } from '../netns-lab';

const [runId, rootfs] = process.argv.slice(2);
installSignalHandlers((m) => process.stderr.write(m + '\n'));
startNetnsLab(loadTopologyFile('two-vlan'), { netem: false, rootfs, runId, onStep: (s) => process.stdout.write(`step ${s}\n`) }).then(
  () => {
    process.stdout.write('up\n');
    setInterval(() => undefined, 60_000);
  },
  (e: Error) => {
    process.stdout.write(`failed ${e.message.split('\n')[0]}\n`);
  },
);
