/**
 * Processes of a stack as a process manager (systemd, `restart: unless-stopped`) runs them: started
 * with their own environment and log file, restarted when they die on their own, killable on
 * purpose (SIGKILL for a crash, SIGTERM for a graceful restart). Every process started is killed
 * when this process exits, so no server outlives the stack or test that started it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

export interface Supervised {
  name: string;
  /** Processes started so far (1 + restarts). */
  starts: number;
  /** Times the process died without being asked to (and was restarted). */
  crashes: number;
  readonly pid: number | undefined;
  /** True while a process is running. */
  readonly running: boolean;
  /** A crash: SIGKILL, then a new process after `downMs`. */
  kill(downMs?: number): Promise<void>;
  /** A graceful restart: SIGTERM, wait for the exit, start again. */
  restart(): Promise<void>;
  /** SIGTERM (SIGKILL after 10 s), and no restart. */
  stop(): Promise<void>;
}

export interface SuperviseOptions {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  logFile: string;
  /** Wait before restarting a process that died on its own; default 1 s. */
  restartDelayMs?: number;
  /**
   * A process group of its own, for a stack that handles Ctrl-C itself and stops its processes in
   * order (`npm run stack:cluster`). Otherwise (tests) the process shares the terminal's group, so
   * a Ctrl-C or a kill of the group ends it with its parent.
   */
  ownProcessGroup?: boolean;
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

export const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once('exit', () => resolve()));

export function supervise(options: SuperviseOptions): Supervised {
  killAllOnExit();
  const { name } = options;
  let child: ChildProcess | undefined;
  let intended = false;
  let stopped = false;
  const log = fs.openSync(options.logFile, 'a');

  const start = () => {
    intended = false;
    const c = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', log, log],
      detached: options.ownProcessGroup ?? false,
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
      }, options.restartDelayMs ?? 1000);
    });
    return c;
  };

  const service: Supervised = {
    name,
    starts: 0,
    crashes: 0,
    get pid() {
      return child?.pid;
    },
    get running() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
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
      if (stopped) return;
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
