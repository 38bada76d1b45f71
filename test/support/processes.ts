/**
 * Child processes of the stack (workers, the API, PostgreSQL) under the stack's supervisor
 * (devstack/supervisor.ts): restarted when they die on their own, killable on purpose.
 */
import path from 'node:path';
import { supervise, type Supervised } from '../../devstack/supervisor';

const ROOT = path.resolve(__dirname, '..', '..');

export type Service = Supervised;

/** Runs a TypeScript `script` with `env`, restarting it (after a second) whenever it exits unasked. */
export function superviseTsx(
  name: string,
  script: string,
  env: Record<string, string>,
  logDir: string,
): Service {
  // tsx as a loader of this node process, not the tsx CLI: the CLI runs the script in a child
  // process, which a SIGKILL of the CLI would leave running.
  return supervise({
    name,
    command: process.execPath,
    args: ['--import', 'tsx', path.join(ROOT, script)],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    cwd: ROOT,
    logFile: path.join(logDir, `${name}.log`),
  });
}
