import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** What `cardrecycle serve` and `cardrecycle worker` (and bench/bare-express.ts) print once ready. */
export const READY_MARKERS = ['cardrecycle listening', 'worker started', 'bare express listening'];

/**
 * Resolves with the child once its stdout shows a ready marker; rejects if it exits first or, given
 * a timeout, stays silent past it. Shared by the benches and the chaos test, which all start real
 * processes.
 */
export function whenReady(child: ChildProcess, label: string, timeoutMs?: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    let seen = '';
    let ready = false;
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => reject(new Error(`${label} did not start within ${timeoutMs} ms`)), timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      if (ready) return;
      seen += d.toString();
      if (READY_MARKERS.some((m) => seen.includes(m))) {
        ready = true;
        seen = '';
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (!ready) reject(new Error(`${label} exited (${code ?? signal}) before it was ready`));
    });
  });
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); null elsewhere. */
export function cpuSecondsOf(pid: number | undefined): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}
