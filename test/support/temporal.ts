import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { freePort } from '../../devstack/ports';
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
 * gives the server five seconds to answer, which a JVM on two busy cores may miss: a start that
 * timed out is tried again (up to three times), any other failure is not.
 */
export async function createTimeSkippingEnv({ encrypted = true } = {}): Promise<TestWorkflowEnvironment> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const env = await TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: { type: 'existing-path', path: timeSkippingServerPath() } },
        ...(encrypted ? { client: { dataConverter: testDataConverter() } } : {}),
      });
      await ensureSearchAttributes(env.connection, 'default');
      return env;
    } catch (err) {
      if (attempt >= 3 || !/did not start within/i.test(String((err as Error).message))) throw err;
    }
  }
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
