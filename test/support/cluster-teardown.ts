import fs from 'node:fs';

export default async function clusterTeardown(): Promise<void> {
  const running = globalThis.__testCluster;
  if (!running) return;
  await running.cluster.stop();
  if (!process.env.KEEP_TEST_CLUSTER) fs.rmSync(running.dir, { recursive: true, force: true });
}
