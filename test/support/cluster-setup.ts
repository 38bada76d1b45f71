/**
 * jest globalSetup of the e2e project: one Temporal cluster for the whole run (devstack/cluster.ts
 * — the real server as four processes on PostgreSQL, TLS with client certificates, the UI server
 * with write actions disabled), shared by every e2e file through TEST_CLUSTER. Each file brings its
 * own task queue, database, SMTP capture, workers and API.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startTemporalCluster, type RunningCluster } from '../../devstack/cluster';
import { recordClusterRun } from './cluster';

declare global {
  var __testCluster: { cluster: RunningCluster; dir: string } | undefined;
}

export default async function clusterSetup(): Promise<void> {
  const dir = path.resolve(__dirname, '..', '..', '.data', `test-cluster-${process.pid}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const started = Date.now();
  const cluster = await startTemporalCluster({ dataDir: dir, ui: {} });
  globalThis.__testCluster = { cluster, dir };
  const info = await cluster.describe();
  process.env.TEST_CLUSTER = JSON.stringify({
    env: cluster.clientEnv,
    uiUrl: cluster.uiUrl,
    logDir: cluster.logDir,
    postgresUrl: cluster.postgresUrl,
    info,
  });
  recordClusterRun('e2e', info, { startSeconds: Math.round((Date.now() - started) / 100) / 10 });
}
