/**
 * `npm run lab -- <command|topology> [options]`. The one place errors become exit codes:
 * 0 pass, 1 a check failed, 2 bad input, 3 the environment lacks something, 4 the lab failed.
 */
import { exitCodeFor, TopologyError, UsageError } from '../model/errors';
import type { CommandResult } from './commands/validate';

export type { CommandResult };

const USAGE = `usage: npm run lab -- <topology|file> [--out DIR] [--size 500MB] [--keep] [--json] [--baseline tcp] [--interval 100ms]
       npm run lab -- validate <topology|file> [--json] [--size 500MB]
       npm run lab -- list
       npm run lab -- doctor [--json]
       npm run lab -- image [--force]
       npm run lab -- clean [--run ID] [--all]
       npm run lab -- export-compose <topology|file> [--out FILE] [--netem yes|no] [--no-build] [--compose v1|v2] [--json]

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
};

/** Dispatches argv (without node and script) to a command and returns its exit code. */
export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  try {
    if (!first || first === '--help' || first === '-h' || first === 'help') {
      process.stdout.write(USAGE + '\n');
      return first ? 0 : 2;
    }
    const load = COMMANDS[first];
    const result = load ? await (await load())(rest) : await (await import('./commands/run')).runCommand(argv);
    if (result.stdout) process.stdout.write(result.stdout.endsWith('\n') ? result.stdout : result.stdout + '\n');
    if (result.stderr) process.stderr.write(result.stderr.endsWith('\n') ? result.stderr : result.stderr + '\n');
    return result.exitCode;
  } catch (err) {
    const code = exitCodeFor(err);
    const e = err as Error;
    if (err instanceof TopologyError) process.stderr.write(e.message + '\n');
    else if (err instanceof UsageError) process.stderr.write(`${e.message}\n\n${USAGE}\n`);
    else if (code === 3) process.stderr.write(`environment: ${e.message}\n`);
    else process.stderr.write(`lab failed: ${e.stack ?? e.message}\n`);
    return code;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
