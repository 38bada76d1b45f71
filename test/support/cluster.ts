/**
 * The Temporal cluster the e2e suite runs against (started once per run by
 * test/support/cluster-setup.ts): four server processes on PostgreSQL, TLS with client
 * certificates, the UI server. Test files reach it through the environment that setup left.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ClusterInfo } from '../../devstack/cluster';

export interface TestCluster {
  /** TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and the TEMPORAL_TLS_* files of a client. */
  env: Record<string, string>;
  uiUrl: string;
  logDir: string;
  /** Temporal's own PostgreSQL (superuser), for a test that needs a server of its own on it. */
  postgresUrl: string;
  info: ClusterInfo;
}

export function testCluster(): TestCluster {
  const raw = process.env.TEST_CLUSTER;
  if (!raw) {
    throw new Error(
      'no Temporal cluster: this test runs in the e2e project (npx jest --selectProjects e2e …)',
    );
  }
  return JSON.parse(raw) as TestCluster;
}

/** The same connection as flags of the Temporal CLI. */
export function cliConnectionFlags(env: Record<string, string>): string[] {
  const flags = ['--address', env.TEMPORAL_ADDRESS ?? '', '--namespace', env.TEMPORAL_NAMESPACE ?? 'default'];
  if (env.TEMPORAL_TLS_SERVER_CA_CERT_PATH) flags.push('--tls-ca-path', env.TEMPORAL_TLS_SERVER_CA_CERT_PATH);
  if (env.TEMPORAL_TLS_CLIENT_CERT_PATH && env.TEMPORAL_TLS_CLIENT_KEY_PATH) {
    flags.push(
      '--tls-cert-path',
      env.TEMPORAL_TLS_CLIENT_CERT_PATH,
      '--tls-key-path',
      env.TEMPORAL_TLS_CLIENT_KEY_PATH,
    );
  }
  if (env.TEMPORAL_TLS_SERVER_NAME) flags.push('--tls-server-name', env.TEMPORAL_TLS_SERVER_NAME);
  return flags;
}

/** What `npm test` prints about the cluster a suite ran against (scripts/test.ts reads it). */
export function recordClusterRun(
  suite: 'e2e' | 'faults',
  info: ClusterInfo,
  extra: Record<string, unknown> = {},
): void {
  const dir = path.resolve(__dirname, '..', '..', 'test-results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, `cluster-${suite}.json`),
    JSON.stringify({ suite, ...info, ...extra }, null, 2),
  );
}
