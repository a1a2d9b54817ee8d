/** What a command hands back to main, which prints it and exits with its code (one place maps errors to exit codes). */
export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}
