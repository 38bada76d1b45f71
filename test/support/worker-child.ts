/** A worker in a child process: started, its output kept, killed like a crashed machine. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

export interface WorkerChild {
  pid: number;
  /** Everything the process wrote on stdout and stderr. */
  output(): string;
  /** SIGKILL: no shutdown, no in-flight call finishes. Resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM and wait (graceful stop). */
  stop(): Promise<void>;
}

export async function startWorkerChild(
  env: Record<string, string>,
  readyTimeoutMs = 60_000,
): Promise<WorkerChild> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'test', 'support', 'worker-process.ts')],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        TEST_WORKFLOW_BUNDLE: process.env.TEST_WORKFLOW_BUNDLE ?? '',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const chunks: string[] = [];
  child.stdout?.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const output = () => chunks.join('');
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`worker not ready in time:\n${output()}`)),
      readyTimeoutMs,
    );
    const check = () => {
      if (output().includes('worker polling')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`worker exited during start-up:\n${output()}`));
    });
  });
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return { pid: child.pid ?? -1, output, kill: () => end('SIGKILL'), stop: () => end('SIGTERM') };
}
