/**
 * A sweep as a Kubernetes Indexed Job: one privileged pod per cell (lab/run/shard.ts), each
 * running `lab/cli/main.ts <topology> ... --runtime netns --shard $((JOB_COMPLETION_INDEX+1))/N`
 * (hosts as network namespaces inside the pod: no Docker there), printing its cell as one
 * `mptcp-lab-cell {...}` line (so `kubectl logs` is the result) and writing its folder to
 * /results (an emptyDir, or a PersistentVolumeClaim). `npm run lab -- merge` of the logs or
 * of the volume gives the sweep's summary. Objects are typed with kubernetes-models and
 * checked against the Kubernetes OpenAPI schema it carries (validate()).
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Job } from 'kubernetes-models/batch/v1/Job';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import type { IVolumeMount } from 'kubernetes-models/v1/VolumeMount';
import { stringify } from 'yaml';

export interface K8sJobInput {
  /** The plan's name (labels, the Job's name). */
  topology: string;
  /** The topology as the command line named it; a file is shipped in a ConfigMap. */
  topologyArg: string;
  /** The file's text when topologyArg is a file. */
  topologyText?: string;
  matrix: string[];
  repeatText?: string;
  sizeText?: string;
  intervalText?: string;
  baseline?: 'tcp';
  /** Cells in the sweep: the Job's completions. */
  cells: number;
  /** The traffic's size, for the pod's memory (the lab hosts' RAM disks hold the file). */
  sizeBytes?: number;
  image: string;
  parallelism?: number;
  namespace?: string;
  /** A PersistentVolumeClaim for /results; default an emptyDir (the log lines are the result). */
  resultsClaim?: string;
  /** Seconds a cell may run before Kubernetes stops it. */
  activeDeadlineSeconds?: number;
}

export interface K8sManifests {
  job: Job;
  configMap?: ConfigMap;
  /** Multi-document YAML: the ConfigMap (if any), then the Job. */
  yaml: string;
}

/** A word for `sh -c`: single-quoted, with ' as '\''. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./=:%,+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A DNS-1123 name of at most `max` characters. */
export function dnsName(text: string, max = 52): string {
  const name = text.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, max).replace(/-+$/g, '');
  return name || 'lab';
}

const RESULTS = '/results';
const TOPOLOGY_DIR = '/topology';

/** Builds and validates the manifests; throws (naming the field) when Kubernetes' schema would refuse them. */
export function buildK8sJob(input: K8sJobInput): K8sManifests {
  const id = createHash('sha256').update(JSON.stringify([input.topologyArg, input.topologyText ?? '', input.matrix, input.repeatText ?? '', input.sizeText ?? ''])).digest('hex').slice(0, 8);
  const name = `${dnsName(`mptcp-lab-${input.topology}`)}-${id}`;
  const labels = { 'app.kubernetes.io/name': 'mptcp-lab', 'app.kubernetes.io/component': 'sweep', 'mptcp-lab/topology': dnsName(input.topology, 63), 'mptcp-lab/sweep': id };
  const file = input.topologyText !== undefined ? basename(input.topologyArg) : undefined;
  const topo = file ? `${TOPOLOGY_DIR}/${file}` : input.topologyArg;
  const args = [
    topo,
    ...input.matrix.flatMap((m) => ['--matrix', m]),
    ...(input.repeatText !== undefined ? ['--repeat', input.repeatText] : []),
    ...(input.sizeText !== undefined ? ['--size', input.sizeText] : []),
    ...(input.intervalText !== undefined ? ['--interval', input.intervalText] : []),
    ...(input.baseline ? ['--baseline', input.baseline] : []),
    '--runtime',
    'netns',
    '--cells-only',
    '--print-cells',
    '--out',
    RESULTS,
  ];
  // JOB_COMPLETION_INDEX is 0-based; --shard i/N with N = the cells picks exactly cell i-1.
  const script = [
    'set -e',
    'i=$((JOB_COMPLETION_INDEX + 1))',
    `exec node --import tsx lab/cli/main.ts ${args.map(shellQuote).join(' ')} --shard "$i/${input.cells}"`,
  ].join('\n');
  const mounts: IVolumeMount[] = [{ name: 'results', mountPath: RESULTS }, ...(file ? [{ name: 'topology', mountPath: TOPOLOGY_DIR, readOnly: true }] : [])];
  const volumes: IVolume[] = [
    input.resultsClaim ? { name: 'results', persistentVolumeClaim: { claimName: input.resultsClaim } } : { name: 'results', emptyDir: {} },
    ...(file ? [{ name: 'topology', configMap: { name: `${name}-topology` } }] : []),
  ];
  // The file lives twice in RAM (the server's and the client's RAM disks), plus Node and the tools.
  const memGi = Math.max(1, Math.ceil(((input.sizeBytes ?? 0) * 2 + 768 * 2 ** 20) / 2 ** 30));
  const container: IContainer = {
    name: 'lab',
    image: input.image,
    imagePullPolicy: 'IfNotPresent',
    workingDir: '/work',
    command: ['sh', '-c', script],
    env: [
      { name: 'MPTCP_LAB_ENGINE', value: 'k8s' },
      { name: 'MPTCP_LAB_ENDPOINT', value: 'netns' },
      { name: 'MPTCP_LAB_HOST', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      // The netns runtime's hosts are chrooted into the lab image's files, which the image carries here.
      { name: 'MPTCP_LAB_ROOTFS_CACHE', value: '/var/cache/mptcp-lab' },
    ],
    // Network namespaces, veths, tc, nft and sysctls inside the pod's own network namespace.
    securityContext: { privileged: true },
    resources: { requests: { cpu: '2', memory: `${memGi}Gi` }, limits: { memory: `${memGi + 1}Gi` } },
    volumeMounts: mounts,
  };
  const job = new Job({
    metadata: { name, labels, ...(input.namespace ? { namespace: input.namespace } : {}) },
    spec: {
      completionMode: 'Indexed',
      completions: input.cells,
      parallelism: Math.max(1, Math.min(input.parallelism ?? input.cells, input.cells)),
      // A cell that failed is not retried: its pod's log says why, and merge names it missing.
      backoffLimit: 0,
      ttlSecondsAfterFinished: 7 * 24 * 3600,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          ...(input.activeDeadlineSeconds ? { activeDeadlineSeconds: input.activeDeadlineSeconds } : {}),
          containers: [container],
          volumes,
        },
      },
    },
  });
  job.validate();
  const configMap = file
    ? new ConfigMap({ metadata: { name: `${name}-topology`, labels, ...(input.namespace ? { namespace: input.namespace } : {}) }, data: { [file]: input.topologyText ?? '' } })
    : undefined;
  configMap?.validate();
  const docs = [...(configMap ? [configMap.toJSON()] : []), job.toJSON()];
  const yaml = docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
  return { job, configMap, yaml };
}
