import cliProgress from 'cli-progress';

/** Prints one JSON document for --json, or the human text otherwise. */
export function emit(json: boolean, value: unknown, human: () => string): void {
  process.stdout.write(json ? JSON.stringify(value) + '\n' : human() + '\n');
}

/** A progress bar on a TTY (on stderr, so stdout stays machine-readable); nothing otherwise. */
export function progressBar(label: string, total: number): { update(n: number): void; stop(): void } {
  if (!process.stderr.isTTY || total <= 0) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total} | ETA {eta}s`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return { update: (n) => bar.update(n), stop: () => bar.stop() };
}
