import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { freePort, waitFor } from '../../devstack/ports';
import { startTemporalDevServer, timeSkippingServerPath } from '../../devstack/temporal';
import { loadConfig } from '../../lib/config';
import { encryptedDataConverter, generateEncryptionKey } from '../../lib/payload-codec';
import { ensureSearchAttributes, temporalConnectionOptions } from '../../lib/temporal';
import { testCluster } from './cluster';

/** One encryption key per test run, shared by every client and worker of the run. */
export const TEST_PAYLOAD_KEYS = (process.env.PAYLOAD_ENCRYPTION_KEYS ??= generateEncryptionKey('test'));
export const testDataConverter = () => encryptedDataConverter(TEST_PAYLOAD_KEYS);

/**
 * Temporal's Java time-skipping server (from Maven Central): protocol durations in seconds. The SDK
 * would start it itself but gives a JVM five seconds to listen, which two busy cores miss; so the
 * server is started here, waited for with a generous bound, and handed to the SDK as an existing
 * server that supports time skipping (the SDK's own constructor, private in its typings). Its
 * teardown also stops the server.
 */
export async function createTimeSkippingEnv({ encrypted = true } = {}): Promise<TestWorkflowEnvironment> {
  const port = await freePort();
  const server = spawn(timeSkippingServerPath(), [String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  server.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const exited = new Promise<never>((_, reject) => {
    server.once('exit', (code, signal) =>
      reject(new Error(`the time-skipping server exited (${signal ?? code}) before listening: ${stderr}`)),
    );
  });
  exited.catch(() => undefined);
  try {
    await Promise.race([
      waitFor('the time-skipping test server', () => connectOnce(port), {
        timeoutMs: 120_000,
        intervalMs: 100,
      }),
      exited,
    ]);
    const create = (
      TestWorkflowEnvironment as unknown as {
        create(opts: Record<string, unknown>): Promise<TestWorkflowEnvironment>;
      }
    ).create.bind(TestWorkflowEnvironment);
    const env = await create({
      server: { type: 'existing' },
      address: `127.0.0.1:${port}`,
      namespace: 'default',
      supportsTimeSkipping: true,
      ...(encrypted ? { client: { dataConverter: testDataConverter() } } : {}),
    });
    await ensureSearchAttributes(env.connection, 'default');
    const teardown = env.teardown.bind(env);
    env.teardown = async () => {
      await teardown();
      await stopProcess(server);
    };
    return env;
  } catch (err) {
    await stopProcess(server);
    throw err;
  }
}

function connectOnce(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' }, () => {
      socket.end();
      resolve();
    });
    socket.once('error', reject);
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export interface ServerEnv {
  env: TestWorkflowEnvironment;
  /** TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE (and TLS files) for a worker or API process. */
  temporalEnv: Record<string, string>;
  teardown(): Promise<void>;
}

/**
 * The real Temporal dev server (the CLI built by bootstrap), its persistence in a scratch file,
 * started by devstack/temporal.ts, which waits for it with a generous bound (the SDK's own start
 * gives it five seconds, too few on a loaded machine).
 */
export async function createDevServerEnv(): Promise<ServerEnv> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpe-dev-server-'));
  const server = await startTemporalDevServer({
    dbFile: path.join(dir, 'temporal.sqlite'),
    port: await freePort(),
    namespace: 'default',
    logFile: path.join(dir, 'temporal.log'),
  });
  const env = await TestWorkflowEnvironment.createFromExistingServer({
    address: server.address,
    namespace: 'default',
    client: { dataConverter: testDataConverter() },
  });
  await ensureSearchAttributes(env.connection, 'default');
  return {
    env,
    temporalEnv: { TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: 'default' },
    teardown: async () => {
      await env.teardown();
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The e2e suite's Temporal cluster (test/support/cluster-setup.ts), reached over mutual TLS. */
export async function createClusterEnv(): Promise<ServerEnv> {
  const cluster = testCluster();
  const options = temporalConnectionOptions(
    loadConfig({
      DATABASE_URL: 'postgresql://unused',
      PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_KEYS,
      ...cluster.env,
    }),
  );
  const env = await TestWorkflowEnvironment.createFromExistingServer({
    address: options.address,
    namespace: cluster.env.TEMPORAL_NAMESPACE ?? 'default',
    connectionOptions: { ...(options.tls !== undefined ? { tls: options.tls } : {}) },
    client: { dataConverter: testDataConverter() },
  });
  return { env, temporalEnv: cluster.env, teardown: () => env.teardown() };
}
