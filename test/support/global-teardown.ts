import fs from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  if (process.env.TEST_WORKFLOW_BUNDLE) fs.rmSync(process.env.TEST_WORKFLOW_BUNDLE, { force: true });
  const running = globalThis.__testPostgres;
  if (!running) return;
  await running.pg.stop();
  fs.rmSync(running.dir, { recursive: true, force: true });
}
