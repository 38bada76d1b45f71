/**
 * `npm run report:monthly -- 2026-10`: runs the committees' monthly report for one month by hand
 * (the schedule runs it on the 1st for the month before). Operators cannot start it from the
 * Temporal UI or CLI: the worker refuses a workflow input not encrypted with the service's keys,
 * so it is started here, by a client holding them (PAYLOAD_ENCRYPTION_KEYS, or the development key
 * of `npm start`). The workflow is safe to run again: nothing is sent twice.
 */
import fs from 'node:fs';
import path from 'node:path';
import { connectClient } from '../lib/temporal';
import { monthlyReportWorkflow } from '../workflows';

async function main(): Promise<void> {
  const month = process.argv[2] ?? '';
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) {
    throw new Error('usage: npm run report:monthly -- YYYY-MM (e.g. 2026-10)');
  }
  const devKeys = path.resolve(__dirname, '..', '.data', 'payload-keys');
  const keys =
    process.env.PAYLOAD_ENCRYPTION_KEYS ??
    (fs.existsSync(devKeys) ? fs.readFileSync(devKeys, 'utf8').trim() : '');
  if (!keys)
    throw new Error('PAYLOAD_ENCRYPTION_KEYS is not set (and there is no development key in .data/)');
  const client = await connectClient({
    TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    TEMPORAL_NAMESPACE: process.env.TEMPORAL_NAMESPACE ?? 'default',
    PAYLOAD_ENCRYPTION_KEYS: keys,
  });
  try {
    const summary = await client.workflow.execute(monthlyReportWorkflow, {
      taskQueue: process.env.TEMPORAL_TASK_QUEUE ?? 'child-protection',
      workflowId: `reports-provincial-${month}-by-hand-${Date.now()}`,
      args: [{ month }],
    });
    console.log(JSON.stringify(summary, null, 2));
  } finally {
    await client.connection.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
