/**
 * `npm run lab -- export-k8s <topology|file> [--matrix k=v,...] [--repeat N] [--size S]
 * [--image IMAGE] [--parallelism N] [--namespace NS] [--results-claim PVC] [--out FILE]`:
 * the sweep as a Kubernetes Indexed Job, one privileged pod per cell (lab/k8s/job.ts,
 * docs/SCALE.md). Nothing is started; the manifests are checked against Kubernetes' schema.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { buildK8sJob } from '../../k8s/job';
import { loadTopologyFile } from '../../loader';
import { isBareName } from '../../loader/topology-files';
import { UsageError } from '../../model/errors';
import { parseDuration, parseSize } from '../../model/units';
import { parseMatrixArgs } from '../../run/matrix';
import { parseRepeatArg } from '../../run/repeat';
import type { CommandResult } from './command-result';
import { optionValue } from './options';

/** The image the pods run by default: the runner image (lab/compose/Dockerfile.runner) with the lab rootfs added (docs/SCALE.md). */
export const DEFAULT_K8S_IMAGE = 'mptcp-lab-runner-netns:latest';

export async function exportK8sCommand(args: string[]): Promise<CommandResult> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        matrix: { type: 'string', multiple: true },
        repeat: { type: 'string' },
        size: { type: 'string' },
        interval: { type: 'string' },
        baseline: { type: 'string' },
        image: { type: 'string' },
        parallelism: { type: 'string' },
        namespace: { type: 'string' },
        'results-claim': { type: 'string' },
        deadline: { type: 'string' },
        out: { type: 'string' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(`export-k8s: expected one topology name or file, got ${positionals.length ? positionals.join(' ') : 'none'}`);
  if (values.baseline !== undefined && values.baseline !== 'tcp') throw new UsageError(`--baseline: only "tcp" is supported, got "${values.baseline}"`);
  const topologyArg = positionals[0]!;
  const sizeOverride = optionValue('size', values.size, parseSize);
  optionValue('interval', values.interval, parseDuration);
  // The sweep is resolved here as the pods will resolve it: every problem is found before a pod starts.
  const plan = await loadTopologyFile(topologyArg, { sizeOverride });
  const variants = parseMatrixArgs(values.matrix ?? []);
  // Each cell's plan too, as a pod will load it: a variant the loader refuses fails here, not in a pod.
  for (const variant of variants) await loadTopologyFile(topologyArg, { sizeOverride, variant });
  const repeat = values.repeat !== undefined ? parseRepeatArg(values.repeat) : 1;
  const whole = (flag: string, text: string | undefined, max: number) =>
    optionValue(flag, text, (t) => {
      const n = /^\s*\d+\s*$/.test(t) ? Number(t) : NaN;
      if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`expected a whole number from 1 to ${max}, got "${t}"`);
      return n;
    });
  const parallelism = whole('parallelism', values.parallelism, 1000);
  const deadlineMs = optionValue('deadline', values.deadline, parseDuration);
  const file = isBareName(topologyArg) ? undefined : topologyArg;
  const manifests = buildK8sJob({
    topology: plan.name,
    topologyArg: file ?? topologyArg,
    topologyText: file ? await readFile(file, 'utf8') : undefined,
    matrix: values.matrix ?? [],
    repeatText: values.repeat,
    sizeText: values.size,
    intervalText: values.interval,
    baseline: values.baseline === 'tcp' ? 'tcp' : undefined,
    cells: variants.length * repeat,
    sizeBytes: plan.traffic.sizeBytes,
    image: values.image ?? DEFAULT_K8S_IMAGE,
    parallelism,
    namespace: values.namespace,
    resultsClaim: values['results-claim'],
    activeDeadlineSeconds: deadlineMs !== undefined ? Math.ceil(deadlineMs / 1000) : undefined,
  });
  const name = manifests.job.metadata?.name ?? '';
  const how = [
    `# ${plan.name}: ${variants.length * repeat} cell${variants.length * repeat === 1 ? '' : 's'} as Indexed Job ${name} (docs/SCALE.md)`,
    `#   kubectl apply -f FILE && kubectl wait --for=condition=complete --timeout=1h job/${name}`,
    `#   kubectl logs -l mptcp-lab/sweep=${manifests.job.metadata?.labels?.['mptcp-lab/sweep'] ?? ''} --tail=-1 --max-log-requests=100 > cells.log && npm run lab -- merge cells.log`,
  ].join('\n');
  const text = `${how}\n${manifests.yaml}`;
  if (values.out !== undefined) {
    await writeFile(values.out, text);
    return { exitCode: 0, stdout: `wrote ${values.out}\n${how}`, stderr: '' };
  }
  return { exitCode: 0, stdout: text, stderr: '' };
}
