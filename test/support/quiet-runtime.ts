/**
 * Test workers log warnings and errors only: the SDK's INFO lines (worker state changes) would
 * drown the test report. Installed once per test file, before any worker is created.
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';

try {
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
  });
} catch {
  // Already installed in this process by an earlier test file: keep it.
}
