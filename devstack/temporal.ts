import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { assertPortFree, StackError, waitFor } from './ports';

const ROOT = path.resolve(__dirname, '..');

/** The Temporal CLI: one on PATH wins, else the one scripts/bootstrap.sh built into .tools/bin. */
export function temporalCliPath(): string {
  const onPath = spawnSync('sh', ['-c', 'command -v temporal'], { encoding: 'utf8' }).stdout.trim();
  if (onPath) return onPath;
  const local = path.join(ROOT, '.tools', 'bin', 'temporal');
  if (fs.existsSync(local)) return local;
  throw new StackError('No Temporal CLI found: run `npm run bootstrap` (it builds one with go install).');
}

/** Wrapper that starts Temporal's Java time-skipping test server (made by scripts/bootstrap.sh). */
export function timeSkippingServerPath(): string {
  const wrapper = path.join(ROOT, '.tools', 'test-server', 'test-server');
  if (!fs.existsSync(wrapper)) {
    throw new StackError('No time-skipping test server found: run `npm run bootstrap`.');
  }
  return wrapper;
}

export interface RunningTemporal {
  address: string;
  uiUrl: string | undefined;
  stop(): Promise<void>;
}

/**
 * Starts `temporal server start-dev` with a persistent SQLite file, so workflows (and their
 * pending timers) survive a restart of the stack.
 */
export async function startTemporalDevServer(options: {
  dbFile: string;
  port: number;
  uiPort?: number;
  namespace: string;
  logFile?: string;
  /** Remote codec the UI calls to show decrypted payloads to operators (the API's /codec). */
  codecEndpoint?: string;
  /** Dynamic configuration values (`--dynamic-config-value KEY=VALUE`), e.g. for benchmarks. */
  dynamicConfig?: Record<string, string | number | boolean>;
  /**
   * How long closed workflows are kept (the dev server's own default is one day), set on the
   * namespace after start, as deploy/temporal/setup-namespace.sh does on the cluster. Default 30.
   */
  retentionDays?: number;
}): Promise<RunningTemporal> {
  await assertPortFree(
    options.port,
    'Temporal gRPC',
    'set TEMPORAL_ADDRESS to use an existing Temporal server',
  );
  if (options.uiPort) {
    await assertPortFree(options.uiPort, 'Temporal UI', 'set TEMPORAL_UI_PORT to another port');
  }
  fs.mkdirSync(path.dirname(options.dbFile), { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--db-filename',
    options.dbFile,
    '--namespace',
    options.namespace,
    '--log-level',
    'warn',
  ];
  // The UI runs whenever it has a port (the codec endpoint only lets it show decrypted payloads).
  if (options.uiPort) args.push('--ui-port', String(options.uiPort));
  else args.push('--headless');
  if (options.uiPort && options.codecEndpoint) args.push('--ui-codec-endpoint', options.codecEndpoint);
  for (const [key, value] of Object.entries(options.dynamicConfig ?? {})) {
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  }
  const out = options.logFile ? fs.openSync(options.logFile, 'a') : 'ignore';
  const child: ChildProcess = spawn(temporalCliPath(), args, { stdio: ['ignore', out, out] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const address = `127.0.0.1:${options.port}`;
  const retentionSeconds = Math.round((options.retentionDays ?? 30) * 86_400);
  await Promise.race([
    // A generous bound: on two busy cores the dev server can take well over the SDK's five seconds.
    waitFor(
      'Temporal dev server',
      async () => {
        const connection = await Connection.connect({ address, connectTimeout: 1000 });
        try {
          await connection.workflowService.getSystemInfo({});
          await connection.workflowService.updateNamespace({
            namespace: options.namespace,
            config: { workflowExecutionRetentionTtl: msToTs(retentionSeconds * 1000) },
          });
        } finally {
          await connection.close();
        }
      },
      { timeoutMs: 120_000 },
    ),
    exited.then((code) => {
      throw new StackError(
        `Temporal dev server exited during start-up (code ${code}); see ${options.logFile}`,
      );
    }),
  ]);
  return {
    address,
    uiUrl: options.uiPort ? `http://localhost:${options.uiPort}` : undefined,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
