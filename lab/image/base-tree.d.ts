/** Types for base-tree.js (plain JavaScript: prelab runs it alongside npm ci, before TypeScript tooling exists). */
export declare const BASE_IMAGE: string;
export declare const SUITE: string;
/** What `docker import` sets on the base: a registry image's CMD and the project's labels. */
export declare const IMPORT_CHANGES: readonly string[];
/** The prefix of bootstrapped trees under the temp directory (`lab clean` removes leftovers). */
export declare const TREE_PREFIX: string;
export declare function mirror(env?: NodeJS.ProcessEnv): string;
/** The tools that make the tree, preferred first. */
export declare const BOOTSTRAPPERS: readonly ['mmdebstrap', 'debootstrap'];
/** What to install when none is present. */
export declare const BOOTSTRAP_HINT: string;
export type BootstrapTool = (typeof BOOTSTRAPPERS)[number];
export interface Bootstrapper {
  tool: BootstrapTool;
  path: string;
}
export declare function bootstrapArgv(bootstrapper: Bootstrapper, dir: string, env?: NodeJS.ProcessEnv): string[];
/** Searches PATH, then alsoIn (default /usr/sbin, /sbin, /usr/bin). */
export declare function findBootstrapper(env?: NodeJS.ProcessEnv, alsoIn?: string[]): Bootstrapper | undefined;
export declare function makeTreeDir(tmp?: string): string;
/** Trees under tmp whose maker process is gone (every tree with all). */
export declare function leftoverTrees(opts?: { tmp?: string; all?: boolean; alive?: (pid: number) => boolean }): string[];
export declare function finishTree(dir: string, env?: NodeJS.ProcessEnv): void;
export declare function mountsInside(dir: string, mounts: string): string[];
export declare function removeTree(dir: string, warn?: (line: string) => void): boolean;
export type BaseState = 'present' | 'missing' | string;
export declare function baseImageState(env?: NodeJS.ProcessEnv): BaseState;
export declare function shouldMakeBaseEarly(ctx: { npmCiNeeded: boolean; uid: number; bootstrapper: Bootstrapper | undefined; base: BaseState }): { go: boolean; why?: string };
export interface BaseMade {
  ok: boolean;
  how: 'pulled' | BootstrapTool;
  ms: number;
  error?: string;
}
export declare function makeBaseWithCli(opts: { bootstrapper: Bootstrapper; logFile: string; env?: NodeJS.ProcessEnv; tmp?: string; onStep?: (line: string) => void }): Promise<BaseMade>;
