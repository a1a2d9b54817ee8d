/**
 * A long-lived command whose stdout goes to a file in the lab host's RAM disk instead of
 * through dockerd: the exec is started as before (its PID, exit code, stderr and stop are
 * dockerStream's), but `exec "$@" >>FILE` sends every stdout line to the tmpfs, and the lab
 * reads it from the Docker host through /proc/<pid>/root (lab/observe/line-tail.ts, woken by
 * inotify). dockerd then relays nothing while the tool runs: the agent's progress lines (one
 * per sampling interval) and `ip mptcp monitor` cost it no CPU. Line times are stamped when
 * read (see line-tail.ts for the resolution). The file is removed when the command ends.
 */
import { unlinkSync, writeFileSync } from 'node:fs';
import type Docker from 'dockerode';
import { tailLines } from '../../observe/line-tail';
import { dockerStream, type Clock } from '../exec';
import type { ExecOptions, ExecResult, StreamHandle } from '../types';

/** Where the command's stdout goes: its path in the container and the same file seen from the Docker host. */
export interface StreamFile {
  containerPath: string;
  hostPath: string;
}

/** Stream output kept for `done` is capped, as dockerStream's: monitors can run for a long time. */
const MAX_KEPT_CHARS = 8 * 1024 * 1024;

// argv travels as positional parameters: the shell parses no value. `>>` so the file made
// by the host before the start is appended to, never truncated under the reader.
const TO_FILE = ['sh', '-c', 'f=$1; shift; exec "$@" >>"$f"', 'sh'];

/** The argv run in the container for `argv` with its stdout in `file` (pure). */
export function fileStreamArgv(containerPath: string, argv: readonly string[]): string[] {
  return [...TO_FILE, containerPath, ...argv];
}

/** Starts argv in the container with its stdout in `file`, read from the host line by line. */
export async function fileBackedStream(
  docker: Docker,
  containerId: string,
  argv: readonly string[],
  file: StreamFile,
  opts: ExecOptions = {},
  clock: Clock = () => performance.now(),
): Promise<StreamHandle> {
  writeFileSync(file.hostPath, '');
  const listeners: Array<(line: string, tMs: number) => void> = [];
  const early: Array<[string, number]> = [];
  let kept = '';
  const tail = tailLines(file.hostPath, {
    clock,
    onLine: (line, t) => {
      kept = (kept + line + '\n').slice(-MAX_KEPT_CHARS);
      if (listeners.length === 0) early.push([line, t]);
      for (const l of listeners) l(line, t);
    },
  });
  const finish = () => {
    tail.close();
    try {
      unlinkSync(file.hostPath);
    } catch {
      // The container (and its tmpfs) may be gone already.
    }
  };
  let inner: StreamHandle;
  try {
    inner = await dockerStream(docker, containerId, fileStreamArgv(file.containerPath, argv), opts, clock);
  } catch (e) {
    finish();
    throw e;
  }
  const done: Promise<ExecResult> = inner.done.then(
    (r) => {
      finish();
      return { ...r, stdout: kept };
    },
    (e: unknown) => {
      finish();
      throw e;
    },
  );
  done.catch(() => {});
  return {
    onLine(listener) {
      listeners.push(listener);
      for (const [line, t] of early.splice(0)) listener(line, t);
    },
    done,
    async stop() {
      await inner.stop().catch(() => undefined);
      return done;
    },
  };
}
