/**
 * The production worker (runWorker) in a process of its own, for tests that kill it: started by
 * test/support/worker-child.ts with `node --import tsx`, configured by its environment, using the
 * workflow bundle the test run built (TEST_WORKFLOW_BUNDLE) instead of bundling again.
 */
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import { runWorker } from '../../worker/run';

// The SDK's own console logger, as in production, at a chosen level (DEBUG shows every activity).
if (process.env.WORKER_LOG_LEVEL) {
  Runtime.install({ logger: new DefaultLogger(process.env.WORKER_LOG_LEVEL as LogLevel) });
}

runWorker({
  ...process.env,
  ...(process.env.TEST_WORKFLOW_BUNDLE ? { WORKFLOW_BUNDLE_PATH: process.env.TEST_WORKFLOW_BUNDLE } : {}),
})
  .then((worker) => {
    console.log('worker polling');
    process.once('SIGTERM', () => void worker.stop().then(() => process.exit(0)));
  })
  .catch((err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  });
