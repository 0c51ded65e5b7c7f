import cliProgress from 'cli-progress';

/** Progress reporting for long work: a bar on a TTY, nothing otherwise (CONTRACT "CLI"). */
export interface Progress {
  start(total: number, label: string): void;
  update(done: number, info?: Record<string, string | number>): void;
  stop(): void;
}

export const silentProgress: Progress = { start: () => {}, update: () => {}, stop: () => {} };

export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return silentProgress;
  let bar: cliProgress.SingleBar | undefined;
  return {
    start(total, label) {
      bar?.stop();
      bar = new cliProgress.SingleBar(
        { stream, format: `${label} [{bar}] {percentage}% | {value}/{total} | {info}`, hideCursor: true },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0, { info: '' });
    },
    update(done, info) {
      bar?.update(done, { info: info ? Object.entries(info).map(([k, v]) => `${k} ${v}`).join(' ') : '' });
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
