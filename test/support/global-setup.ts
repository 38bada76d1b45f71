import fs from 'node:fs';
import path from 'node:path';
import { startEmbeddedPostgres, type RunningPostgres } from '../../devstack/postgres';
import { freePort } from '../../devstack/ports';
import { workflowBundle } from './workflow-bundle';

declare global {
  var __testPostgres: { pg: RunningPostgres; dir: string } | undefined;
}

/**
 * One real PostgreSQL server for the whole run (unless TEST_DATABASE_ADMIN_URL names one);
 * every test file creates its own database on it (test/support/database.ts).
 */
export default async function globalSetup(): Promise<void> {
  // Bundle the workflows once for every test file (webpack takes seconds per bundle).
  const bundleFile = path.resolve(__dirname, '..', '..', '.data', `workflow-bundle-${process.pid}.js`);
  fs.mkdirSync(path.dirname(bundleFile), { recursive: true });
  fs.writeFileSync(bundleFile, (await workflowBundle()).code);
  process.env.TEST_WORKFLOW_BUNDLE = bundleFile;
  if (process.env.TEST_DATABASE_ADMIN_URL) return;
  const dir = path.resolve(__dirname, '..', '..', '.data', `test-postgres-${process.pid}`);
  fs.rmSync(dir, { recursive: true, force: true });
  const pg = await startEmbeddedPostgres({
    dataDir: dir,
    port: await freePort(),
    database: 'scratch',
    quiet: true,
  });
  process.env.TEST_DATABASE_ADMIN_URL = pg.adminUrl;
  globalThis.__testPostgres = { pg, dir };
}
