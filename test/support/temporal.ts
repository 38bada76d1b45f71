import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporalCliPath, timeSkippingServerPath } from '../../devstack/temporal';
import { encryptedDataConverter, generateEncryptionKey } from '../../lib/payload-codec';
import { ensureSearchAttributes } from '../../lib/temporal';

/** One encryption key per test run, shared by every client and worker of the run. */
export const TEST_PAYLOAD_KEYS = (process.env.PAYLOAD_ENCRYPTION_KEYS ??= generateEncryptionKey('test'));
export const testDataConverter = () => encryptedDataConverter(TEST_PAYLOAD_KEYS);

/**
 * The SDK gives the Java server five seconds to listen; on a loaded machine (two cores shared by
 * several test runs) the JVM may need longer. Starting again is safe: the failed one is gone.
 */
async function startingAgain<T>(start: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await start();
    } catch (err) {
      if (attempt >= attempts || !/did not start within/.test((err as Error).message)) throw err;
    }
  }
}

/** Temporal's Java time-skipping server (from Maven Central): protocol durations in seconds. */
export async function createTimeSkippingEnv({ encrypted = true } = {}): Promise<TestWorkflowEnvironment> {
  const env = await startingAgain(() =>
    TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: timeSkippingServerPath() } },
      ...(encrypted ? { client: { dataConverter: testDataConverter() } } : {}),
    }),
  );
  await ensureSearchAttributes(env.connection, 'default');
  return env;
}

/** The real Temporal dev server (the CLI built by bootstrap), with its persistence in memory. */
export async function createDevServerEnv(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: temporalCliPath() }, ip: '127.0.0.1', ui: false },
    client: { dataConverter: testDataConverter() },
  });
  await ensureSearchAttributes(env.connection, 'default');
  return env;
}
