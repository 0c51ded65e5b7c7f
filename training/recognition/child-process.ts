/**
 * fork() for the training's TypeScript workers. Under `npx tsx …` the parent's execArgv already
 * carries tsx's loader; under bin/cardrecycle.js tsx is registered through its API instead, so the
 * child gets `--import tsx` explicitly.
 */
import { fork, type ChildProcess } from 'node:child_process';

export function forkTs(file: string): ChildProcess {
  const hasTsx = process.execArgv.some((a) => a.includes('tsx'));
  const execArgv = hasTsx ? process.execArgv : [...process.execArgv, '--import', import.meta.resolve('tsx')];
  return fork(file, [], { execArgv, serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}
