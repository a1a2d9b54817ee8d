/** Types for find-browser.js (plain JavaScript: pretest runs it before TypeScript tooling exists). */
export declare const BROWSER_COMMANDS: readonly string[];
/** Where findBrowser looks, for messages. */
export declare const SEARCHED: string;
export interface FoundBrowser {
  /** Absolute path of a browser that answered `--version`; undefined when none did. */
  path: string | undefined;
  version?: string;
  /** `CHROME_PATH`, the command name, or `Playwright cache`. */
  source?: string;
  /** Every candidate that was found but did not work, and why. */
  rejected: string[];
  chromePathSet?: boolean;
}
export declare function findBrowser(opts?: { env?: NodeJS.ProcessEnv; verify?: boolean }): FoundBrowser;
