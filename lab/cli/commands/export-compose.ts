/**
 * `export-compose <topology|file> [--out FILE] [--netem yes|no] [--no-build] [--size 500MB] [--compose v1|v2] [--json]`:
 * writes a Compose file (and one configure file per host) that brings the lab up by hand.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { exportCompose } from '../../compose/export-compose';
import { displayPath } from '../../loader';
import { UsageError } from '../../model/errors';
import { parseSize } from '../../model/units';
import { formatCommand } from '../../runtime/exec';
import type { CommandResult } from './command-result';
import { optionValue } from './options';

export const EXPORT_COMPOSE_USAGE = 'usage: lab export-compose <topology|file> [--out FILE] [--netem yes|no] [--no-build] [--size 500MB] [--compose v1|v2] [--json]';

function parse(args: string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        out: { type: 'string' },
        netem: { type: 'string' },
        'no-build': { type: 'boolean' },
        size: { type: 'string' },
        compose: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n${EXPORT_COMPOSE_USAGE}`);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(`export-compose takes one topology name or file, got ${positionals.length ? positionals.join(' ') : 'none'}\n${EXPORT_COMPOSE_USAGE}`);
  if (values.netem !== undefined && values.netem !== 'yes' && values.netem !== 'no') throw new UsageError(`--netem: yes or no, got "${values.netem}"`);
  if (values.compose !== undefined && values.compose !== 'v1' && values.compose !== 'v2') throw new UsageError(`--compose: v1 or v2, got "${values.compose}"`);
  return {
    topology: positionals[0]!,
    out: values.out,
    netem: values.netem === undefined ? undefined : values.netem === 'yes',
    build: !values['no-build'],
    size: optionValue('size', values.size, parseSize),
    composeCommand: values.compose === 'v1' ? ['docker-compose'] : ['docker', 'compose'],
    json: !!values.json,
  };
}

/** Writes the files and says how to use them. */
export async function exportComposeCommand(args: string[]): Promise<CommandResult> {
  const a = parse(args);
  const r = await exportCompose(a.topology, {
    out: a.out,
    netem: a.netem,
    build: a.build,
    sizeOverride: a.size,
    composeCommand: a.composeCommand,
    onProgress: (m) => void process.stderr.write(`${m}\n`),
  });
  if (a.json) {
    const { export: ex, ...rest } = r;
    const doc = { ...rest, commands: { up: [...a.composeCommand, '-f', path.basename(r.composeFile), 'up', '-d'], configure: ex.configures.map((c) => ({ host: c.host, argv: c.applyArgv, stdin: c.file })) } };
    return { exitCode: 0, stdout: JSON.stringify(doc, null, 2) + '\n', stderr: '' };
  }
  const dir = displayPath(path.dirname(r.composeFile)) || '.';
  const dc = [...a.composeCommand, '-f', path.basename(r.composeFile)];
  const lines = [
    `wrote ${displayPath(r.composeFile)} and ${r.configureFiles.map((f) => path.basename(f)).join(', ')}`,
    `  image ${r.image}${r.imageBuilt ? ' (built now)' : ''}; ${Object.entries(r.subnets).map(([p, s]) => `${p} ${s}`).join(', ')}; shaping for ${r.netem ? 'a host with' : 'a host without'} sch_netem`,
    ...r.notes.map((n) => `  note: ${n}`),
    '',
    'bring it up and configure it:',
    `  cd ${formatCommand([dir])}`,
    `  ${formatCommand([...dc, 'up', '-d'])}`,
    ...r.export.configures.map((c) => `  ${formatCommand(c.applyArgv)} < ${c.file}`),
    `  ${formatCommand([...dc, 'down'])}    # when done`,
    `more (the same steps one by one, a transfer, a cable pull): the comment at the top of ${path.basename(r.composeFile)}`,
  ];
  return { exitCode: 0, stdout: lines.join('\n') + '\n', stderr: '' };
}
