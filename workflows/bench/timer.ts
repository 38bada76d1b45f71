import { sleep } from '@temporalio/workflow';

/**
 * `npm run bench` baseline: a workflow that only waits for one timer to an instant and ends. The
 * escalation benchmark compares a thousand case deadlines falling at one instant with a thousand of
 * these, on the same worker.
 */
export async function benchTimerWorkflow(at: string): Promise<void> {
  const wait = Date.parse(at) - Date.now();
  if (wait > 0) await sleep(wait);
}
