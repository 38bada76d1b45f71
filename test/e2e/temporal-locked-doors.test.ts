/**
 * Locked doors of the production topology (the e2e cluster): the Temporal UI server shows
 * workflows but refuses every write through its HTTP API (start, signal, update, terminate, reset,
 * batch) — with a valid CSRF token, so the refusal is the write lock's, not CSRF's; the frontend
 * accepts only clients that verify its certificate against the private CA, under its name, and
 * show a client certificate of that CA (mutual TLS); the namespace keeps closed workflows 30 days.
 */
import { randomUUID } from 'node:crypto';
import { Connection, type Client } from '@temporalio/client';
import { loadConfig } from '../../lib/config';
import { connectClient, temporalConnectionOptions } from '../../lib/temporal';
import { testCluster } from '../support/cluster';
import { TEST_PAYLOAD_KEYS } from '../support/temporal';

const cluster = testCluster();
const base = { DATABASE_URL: 'postgresql://unused', PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_KEYS };
let client: Client;
let workflowId: string;

beforeAll(async () => {
  client = await connectClient(loadConfig({ ...base, ...cluster.env }));
  // A workflow no worker runs: it stays open, for the UI to show and to refuse acting on.
  workflowId = `locked-doors-${randomUUID()}`;
  await client.workflow.start('caseWorkflow', {
    taskQueue: `nobody-polls-${randomUUID()}`,
    workflowId,
    args: [{ caseId: 'not-a-case' }],
  });
});
afterAll(async () => {
  await client?.workflow
    .getHandle(workflowId)
    .terminate('test over')
    .catch(() => undefined);
  await client?.connection.close();
});

/** A browser session of the UI: its CSRF cookie, sent back as the header the UI's own pages send. */
async function uiSession(): Promise<Record<string, string>> {
  const page = await fetch(`${cluster.uiUrl}/`);
  const csrf = /_csrf=([^;]+)/.exec(page.headers.getSetCookie().join(';'))?.[1];
  if (!csrf) throw new Error('the UI set no CSRF cookie');
  return { cookie: `_csrf=${csrf}`, 'x-csrf-token': csrf, 'content-type': 'application/json' };
}

describe('the Temporal UI of the cluster', () => {
  it('shows the workflows of the namespace', async () => {
    const settings = (await (await fetch(`${cluster.uiUrl}/api/v1/settings`)).json()) as Record<
      string,
      unknown
    >;
    expect(settings).toMatchObject({
      DisableWriteActions: true,
      StartWorkflowDisabled: true,
      Version: '2.42.1',
    });
    const query = encodeURIComponent(`WorkflowId = "${workflowId}"`);
    const deadline = Date.now() + 30_000;
    let listed: string[] = [];
    while (Date.now() < deadline) {
      const res = await fetch(`${cluster.uiUrl}/api/v1/namespaces/default/workflows?query=${query}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { executions?: { execution: { workflowId: string } }[] };
      listed = (body.executions ?? []).map((e) => e.execution.workflowId);
      if (listed.length) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(listed).toEqual([workflowId]);
    const described = await fetch(`${cluster.uiUrl}/api/v1/namespaces/default/workflows/${workflowId}`);
    expect(described.status).toBe(200);
  });

  it('refuses to start, signal, update, terminate, cancel or reset a workflow, or a batch job', async () => {
    const headers = await uiSession();
    const ns = `${cluster.uiUrl}/api/v1/namespaces/default`;
    const writes: [string, string, unknown][] = [
      [
        'POST',
        `${ns}/workflows/started-from-ui-${randomUUID()}`,
        { workflowType: { name: 'caseWorkflow' }, taskQueue: { name: 'child-protection' } },
      ],
      ['POST', `${ns}/workflows/${workflowId}/signal/concern`, {}],
      ['POST', `${ns}/workflows/${workflowId}/update/screening`, {}],
      ['POST', `${ns}/workflows/${workflowId}/terminate`, { reason: 'from the UI' }],
      ['POST', `${ns}/workflows/${workflowId}/cancel`, {}],
      ['POST', `${ns}/workflows/${workflowId}/reset`, {}],
      ['POST', `${ns}/batch-operations/${randomUUID()}`, {}],
      ['DELETE', `${ns}/workflows/${workflowId}`, undefined],
    ];
    const answers = [];
    for (const [method, url, body] of writes) {
      const res = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      answers.push([method, url.slice(ns.length), res.status]);
    }
    expect(answers).toEqual(writes.map(([method, url]) => [method, url.slice(ns.length), 405]));
    // The CSRF token was good: without it the UI server stops the request earlier, differently.
    const withoutCsrf = await fetch(`${ns}/workflows/${workflowId}/terminate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(withoutCsrf.status).toBe(400);
    // Nothing reached the workflow: still running, its history only the start.
    const handle = client.workflow.getHandle(workflowId);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    const events = (await handle.fetchHistory()).events ?? [];
    expect(
      events.some(
        (e) => e.workflowExecutionSignaledEventAttributes || e.workflowExecutionTerminatedEventAttributes,
      ),
    ).toBe(false);
  });
});

describe('the frontend over mutual TLS', () => {
  const attempt = async (env: Record<string, string>) => {
    const options = temporalConnectionOptions(loadConfig({ ...base, ...env }));
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ ...options, connectTimeout: 3000 });
      await connection.workflowService.getSystemInfo({});
      return 'connected';
    } catch (err) {
      return `refused: ${(err as Error).message}`;
    } finally {
      await connection?.close().catch(() => undefined);
    }
  };

  it('serves a client with the CA, the server name and a client certificate from configuration', async () => {
    expect(await attempt(cluster.env)).toBe('connected');
    const described = await client.workflowService.describeNamespace({ namespace: 'default' });
    // Retention set explicitly by deploy/temporal/setup-namespace.sh: 30 days.
    expect(Number(described.config?.workflowExecutionRetentionTtl?.seconds)).toBe(30 * 24 * 3600);
  });

  it('refuses a client without a certificate, one that does not trust the CA, one expecting another name, and plaintext', async () => {
    const { TEMPORAL_TLS_CLIENT_CERT_PATH, TEMPORAL_TLS_CLIENT_KEY_PATH, ...noClientCert } = cluster.env;
    expect([TEMPORAL_TLS_CLIENT_CERT_PATH, TEMPORAL_TLS_CLIENT_KEY_PATH].every(Boolean)).toBe(true);
    const { TEMPORAL_TLS_SERVER_CA_CERT_PATH, ...systemRoots } = cluster.env;
    expect(TEMPORAL_TLS_SERVER_CA_CERT_PATH).toBeTruthy();
    const outcomes = {
      noClientCertificate: await attempt(noClientCert),
      systemCAs: await attempt(systemRoots),
      otherServerName: await attempt({ ...cluster.env, TEMPORAL_TLS_SERVER_NAME: 'someone-else' }),
      plaintext: await attempt({
        TEMPORAL_ADDRESS: cluster.env.TEMPORAL_ADDRESS ?? '',
        TEMPORAL_TLS: 'false',
      }),
    };
    for (const outcome of Object.values(outcomes)) expect(outcome).toMatch(/^refused: /);
  });
});
