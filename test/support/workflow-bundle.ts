import fs from 'node:fs';
import { bundleWorkflows } from '../../worker/bundle';

let cached: Promise<{ code: string }> | undefined;

/**
 * The workflow bundle, built once per run by the global setup (TEST_WORKFLOW_BUNDLE) or, when a
 * test file runs alone, once per file.
 */
export function workflowBundle(): Promise<{ code: string }> {
  const file = process.env.TEST_WORKFLOW_BUNDLE;
  if (file && fs.existsSync(file)) return Promise.resolve({ code: fs.readFileSync(file, 'utf8') });
  cached ??= bundleWorkflows({
    logger: {
      log: () => undefined,
      trace: () => undefined,
      debug: () => undefined,
      info: () => undefined,
      warn: () => undefined,
      error: () => undefined,
    },
  });
  return cached;
}
