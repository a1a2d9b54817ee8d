import { Job } from 'kubernetes-models/batch/v1/Job';
import { parse, parseAllDocuments } from 'yaml';
import { buildK8sJob, shellQuote } from './job';

const input = {
  topology: 'two-vlan',
  topologyArg: 'two-vlan',
  matrix: ['rate=100mbit,1gbit', 'loss=0,1%'],
  sizeText: '100MB',
  cells: 4,
  sizeBytes: 1e8,
  image: 'registry.example/mptcp-lab-runner-netns:1',
};

describe('buildK8sJob', () => {
  it('writes an Indexed Job of one privileged pod per cell that validates against the Kubernetes schema', () => {
    const { job, yaml } = buildK8sJob({ ...input, parallelism: 2 });
    const docs = parseAllDocuments(yaml).map((d) => d.toJSON() as Record<string, unknown>);
    expect(docs.map((d) => d.kind)).toEqual(['Job']);
    // The YAML as kubectl would read it, through the model's schema validation again.
    expect(() => new Job(docs[0] as never).validate()).not.toThrow();
    const spec = job.spec!;
    expect([spec.completionMode, spec.completions, spec.parallelism, spec.backoffLimit]).toEqual(['Indexed', 4, 2, 0]);
    const c = spec.template.spec!.containers[0]!;
    expect(c.securityContext?.privileged).toBe(true);
    expect(c.command?.slice(0, 2)).toEqual(['sh', '-c']);
    const script = c.command![2]!;
    expect(script).toContain('i=$((JOB_COMPLETION_INDEX + 1))');
    expect(script).toContain("two-vlan --matrix rate=100mbit,1gbit --matrix loss=0,1% --size 100MB --runtime netns --cells-only --print-cells --out /results --shard \"$i/4\"");
    expect(c.env?.find((e) => e.name === 'MPTCP_LAB_HOST')?.valueFrom?.fieldRef?.fieldPath).toBe('spec.nodeName');
    expect(spec.template.spec!.volumes?.[0]).toEqual({ name: 'results', emptyDir: {} });
  });

  it('ships a topology file in a ConfigMap and mounts a results claim when asked', () => {
    const { yaml, job } = buildK8sJob({ ...input, topologyArg: 'my labs/odd.yaml', topologyText: 'description: x\n', resultsClaim: 'lab-results', namespace: 'labs' });
    const [cm, j] = parseAllDocuments(yaml).map((d) => d.toJSON() as { kind: string; data?: Record<string, string>; metadata: { namespace?: string } });
    expect(cm?.kind).toBe('ConfigMap');
    expect(cm?.data).toEqual({ 'odd.yaml': 'description: x\n' });
    expect(j?.metadata.namespace).toBe('labs');
    expect(job.spec!.template.spec!.containers[0]!.command![2]).toContain('/topology/odd.yaml --matrix');
    expect(job.spec!.template.spec!.volumes?.[0]).toEqual({ name: 'results', persistentVolumeClaim: { claimName: 'lab-results' } });
  });

  it('refuses what the schema refuses (validate names the field)', () => {
    expect(() => buildK8sJob({ ...input, cells: 1.5 })).toThrow(/completions must be integer/);
  });

  it('quotes words for sh -c', () => {
    expect(shellQuote('rate=1gbit')).toBe('rate=1gbit');
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(parse('a: 1')).toEqual({ a: 1 });
  });
});
