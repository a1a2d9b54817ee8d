import { LabError } from '../model/errors';
import { compileAgent, isProgressMilestone } from './build';

describe('compileAgent', () => {
  it('erases types and emits CommonJS that Node 18 runs', async () => {
    const js = await compileAgent("import * as fs from 'node:fs';\nexport const n: number = 1;\nexport function f(x?: string): number { return x?.length ?? fs.constants.F_OK; }\n");
    expect(js).toContain('require("node:fs")');
    expect(js).toContain('exports.n = 1');
    expect(js).not.toContain(': number');
    // ES2020 keeps ?. and ??, which Node 18 has.
    expect(js).toContain('?.');
  });

  it('fails with the compiler message when the agent has a syntax error', async () => {
    await expect(compileAgent('const = 1;')).rejects.toThrow(LabError);
    await expect(compileAgent('const = 1;')).rejects.toThrow(/agent\.ts does not compile: Variable declaration expected/);
  });
});

describe('isProgressMilestone', () => {
  it('keeps build steps and phases, drops apt chatter', () => {
    expect(isProgressMilestone('Step 2/9 : RUN apt-get update')).toBe(true);
    expect(isProgressMilestone('debootstrap done in 25.8 s; importing debian:bookworm-slim')).toBe(true);
    expect(isProgressMilestone('built mptcp-lab/host:0123456789ab')).toBe(true);
    expect(isProgressMilestone('Get:4 http://deb.debian.org/debian bookworm/main amd64 Packages [8790 kB]')).toBe(false);
    expect(isProgressMilestone('debootstrap: I: Retrieving libc6 2.36-9')).toBe(false);
    expect(isProgressMilestone('debootstrap: I: Unpacking the base system...')).toBe(true);
    expect(isProgressMilestone('mmdebstrap done in 33.1 s; importing debian:bookworm-slim')).toBe(true);
    expect(isProgressMilestone('mmdebstrap: I: installing essential packages...')).toBe(true);
    expect(isProgressMilestone('mmdebstrap: I: automatically chosen format: directory')).toBe(false);
    expect(isProgressMilestone('lab image: 23 s, at "Step 2/9 : RUN apt-get update"')).toBe(true);
  });
});
