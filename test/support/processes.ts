/**
 * Child processes of the stack (workers, the API) as a process manager would run them: started with
 * their own environment, restarted when they die on their own, and killable on purpose (SIGKILL for
 * a crash, SIGTERM for a graceful restart). Every one started is stopped by `stopAll`, also when the
 * test process exits early, so no server outlives its test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

export interface Service {
  name: string;
  /** Processes started so far (1 + restarts). */
  starts: number;
  /** Times the process died without being asked to (and was restarted). */
  crashes: number;
  readonly pid: number | undefined;
  /** A crash: SIGKILL, then a new process after `downMs`. */
  kill(downMs?: number): Promise<void>;
  /** A graceful restart: SIGTERM, wait for the exit, start again. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
let hooked = false;
function killAllOnExit(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once('exit', () => resolve()));

/** Runs a TypeScript `script` with `env`, restarting it (after a second) whenever it exits unasked. */
export function superviseTsx(
  name: string,
  script: string,
  env: Record<string, string>,
  logDir: string,
): Service {
  killAllOnExit();
  let child: ChildProcess | undefined;
  let intended = false;
  let stopped = false;
  const log = fs.openSync(path.join(logDir, `${name}.log`), 'a');

  const start = () => {
    intended = false;
    // tsx as a loader of this node process, not the tsx CLI: the CLI runs the script in a child
    // process, which a SIGKILL of the CLI would leave running.
    const c = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, script)], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      stdio: ['ignore', log, log],
    });
    service.starts += 1;
    running.add(c);
    c.once('exit', (code, signal) => {
      running.delete(c);
      fs.writeSync(log, `\n[${new Date().toISOString()}] ${name} exited (${signal ?? code})\n`);
      if (intended || stopped || child !== c) return;
      service.crashes += 1;
      setTimeout(() => {
        if (!stopped && child === c) child = start();
      }, 1000);
    });
    return c;
  };

  const service: Service = {
    name,
    starts: 0,
    crashes: 0,
    get pid() {
      return child?.pid;
    },
    async kill(downMs = 500) {
      const c = child;
      if (!c) return;
      intended = true;
      c.kill('SIGKILL');
      await exited(c);
      await new Promise((r) => setTimeout(r, downMs));
      if (!stopped) child = start();
    },
    async restart() {
      const c = child;
      if (!c) return;
      intended = true;
      c.kill('SIGTERM');
      await exited(c);
      if (!stopped) child = start();
    },
    async stop() {
      stopped = true;
      const c = child;
      if (c && c.exitCode === null && c.signalCode === null) {
        c.kill('SIGTERM');
        const hard = setTimeout(() => c.kill('SIGKILL'), 10_000);
        await exited(c);
        clearTimeout(hard);
      }
      fs.closeSync(log);
    },
  };
  child = start();
  return service;
}
