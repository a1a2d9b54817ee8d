/**
 * `npm run lab -- <command|topology> [options]`. The one place errors become exit codes:
 * 0 pass, 1 a check failed, 2 bad input, 3 the environment lacks something, 4 the lab failed.
 */
import { exitCodeFor, LabError, TopologyError, UsageError } from '../model/errors';
import type { CommandResult } from './commands/command-result';


const USAGE = `usage: npm run lab -- <topology|file> [--out DIR] [--size 500MB] [--keep] [--json] [--baseline tcp] [--interval 100ms]
       npm run lab -- validate <topology|file> [--json] [--size 500MB]
       npm run lab -- list
       npm run lab -- doctor [--json]
       npm run lab -- image [--force]
       npm run lab -- clean [--run ID] [--all]
       npm run lab -- export-compose <topology|file> [--out FILE] [--netem yes|no] [--no-build] [--compose v1|v2] [--json]
       npm run lab -- <topology|file> --matrix k=v,... [--repeat N] [--shard i/n] [--engine CONTEXT|URL]... [--per-engine N]
       npm run lab -- merge DIR|LOG... [--out DIR] [--json]
       npm run lab -- export-k8s <topology|file> [--matrix k=v,...] [--repeat N] [--image IMAGE] [--parallelism N] [--out FILE]

exit codes: 0 all checks passed, 1 a check failed, 2 bad input, 3 the environment lacks something, 4 the lab failed to run`;

type Command = (args: string[]) => Promise<CommandResult>;

// Loaded on demand: `validate` must not pay for (or depend on) the Docker runtime.
const COMMANDS: Record<string, () => Promise<Command>> = {
  validate: async () => (await import('./commands/validate')).validateCommand,
  list: async () => (await import('./commands/list')).listCommand,
  doctor: async () => (await import('./commands/doctor')).doctorCommand,
  image: async () => (await import('./commands/image')).imageCommand,
  clean: async () => (await import('./commands/clean')).cleanCommand,
  'export-compose': async () => (await import('./commands/export-compose')).exportComposeCommand,
  merge: async () => (await import('./commands/merge')).mergeCommand,
  'export-k8s': async () => (await import('./commands/export-k8s')).exportK8sCommand,
  compare: async () => (await import('./commands/compare')).compareCommand,
};

/** Dispatches argv (without node and script) to a command and returns its exit code. */
export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  try {
    if (first === '--help' || first === '-h' || first === 'help') {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    if (first === undefined) throw new UsageError('expected a topology name, a file or a command; got nothing');
    if (first.trim() === '') throw new UsageError('the topology name is empty');
    const load = COMMANDS[first];
    const result = load ? await (await load())(rest) : await (await import('./commands/run')).runCommand(argv);
    if (result.stdout) process.stdout.write(result.stdout.endsWith('\n') ? result.stdout : result.stdout + '\n');
    if (result.stderr) process.stderr.write(result.stderr.endsWith('\n') ? result.stderr : result.stderr + '\n');
    return result.exitCode;
  } catch (err) {
    const code = exitCodeFor(err);
    const e = err as Error;
    if (err instanceof TopologyError) process.stderr.write(e.message + '\n');
    else if (err instanceof UsageError) process.stderr.write(`error: ${e.message}\n\n${USAGE}\n`);
    else if (code === 3) process.stderr.write(`environment: ${e.message}\n`);
    // A lab failure is told by its message (first cause first); anything else is a bug: its stack helps.
    else if (err instanceof LabError) process.stderr.write(`lab failed: ${e.message}\n`);
    else process.stderr.write(`lab failed: ${e.stack ?? e.message}\n`);
    return code;
  }
}

/** How long the process may linger after main() has returned (flushing output) before it is made to exit. */
const EXIT_GRACE_MS = 2_000;

/** Runs the CLI as a process: main(), then its exit code (`npm run lab` and `npx mptcp-lab` both come here). */
export function runCli(argv: string[]): void {
  void main(argv).then((code) => {
    process.exitCode = code;
    // Nothing runs after main(): a timer, socket or stream still open (a sampler, a monitor, a
    // progress bar after a failure) would keep the process alive forever. Name it, then exit.
    setTimeout(() => {
      const open = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap');
      process.stderr.write(`note: forcing the exit ${EXIT_GRACE_MS / 1000} s after the end; still open: ${open.join(', ')} (a bug in the lab)\n`);
      process.exit(code);
    }, EXIT_GRACE_MS).unref();
  });
}

if (require.main === module) runCli(process.argv.slice(2));
