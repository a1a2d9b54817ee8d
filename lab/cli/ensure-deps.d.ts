/** Types for ensure-deps.js (plain JavaScript: npm's pre-scripts run it before TypeScript tooling exists). */
import type { FoundBrowser } from './find-browser';

export interface MissingTool {
  pkg: string;
  why: string;
}
export interface TestToolsContext {
  uid: number;
  has: (command: string) => boolean;
  browser: FoundBrowser;
  findAgain: () => FoundBrowser;
  aptGet: (pkgs: string[]) => { ok: boolean; output: string };
  log: (line: string) => void;
}
export declare function missingTestTools(ctx: Pick<TestToolsContext, 'uid' | 'has' | 'browser'>): MissingTool[];
/** 0: go on; 1: an install failed; 3: something to install by hand (one line says what). */
export declare function ensureTestTools(ctx: TestToolsContext): number;
export declare function hasCommand(name: string, env?: NodeJS.ProcessEnv): boolean;
/** As root, adds the lab's default congestion control to the host's tcp_allowed_congestion_control; true when it changed it. */
export declare function allowLabCongestionControl(ctx: {
  uid: number;
  read: (path: string) => string | undefined;
  write: (path: string, value: string) => void;
  modprobe: (module: string) => unknown;
  log: (line: string) => void;
}): boolean;
