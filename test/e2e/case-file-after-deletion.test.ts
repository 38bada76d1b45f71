/**
 * A child-protection file outlives its workflows: a case walked to closure through HTTP, its case
 * and referral workflow executions then deleted from Temporal with the CLI
 * (`temporal workflow delete`, as the namespace's retention would), is still read in full through
 * the API — the file, its timeline, its audit trail, its referral, the lists. The production
 * topology: the e2e suite's Temporal cluster (four server processes on PostgreSQL, mutual TLS), a
 * PostgreSQL database, an SMTP capture, the real worker and the real API.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { startApi, type RunningApi } from '../../api/server';
import { freePort } from '../../devstack/ports';
import { startSmtpCapture, type SmtpCapture } from '../../devstack/smtp-capture';
import { temporalCliPath } from '../../devstack/temporal';
import { loadConfig } from '../../lib/config';
import { connectClient } from '../../lib/temporal';
import { caseWorkflowId, type CaseView } from '../../workflows/case/definitions';
import { referralWorkflowId } from '../../workflows/referral/definitions';
import { runWorker, type RunningWorker } from '../../worker/run';
import { apiClient, JWT_SECRET, newChildReport, waitForOpenStep, type ApiClient } from '../support/api';
import { cliConnectionFlags, testCluster } from '../support/cluster';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { TEST_PAYLOAD_KEYS } from '../support/temporal';
import { eventually } from '../support/wait';

const HANDLER = 'staff-demo-handler';
const SUPERVISOR = 'staff-demo-supervisor';
const PARTNER = 'staff-demo-partner';
const run = promisify(execFile);

let temporalEnv: Record<string, string>;
let db: TestDatabase;
let smtp: SmtpCapture;
let worker: RunningWorker;
let api: RunningApi;
let http: ApiClient;
let client: Client;

beforeAll(async () => {
  [db, smtp] = await Promise.all([createTestDatabase(), startSmtpCapture({ port: 0 })]);
  temporalEnv = testCluster().env;
  const env = {
    ...temporalEnv,
    TEMPORAL_TASK_QUEUE: `deleted-${randomUUID()}`,
    DATABASE_URL: db.url,
    SMTP_URL: smtp.url,
    API_PORT: String(await freePort()),
    JWT_SECRET,
    PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_KEYS,
    LOG_LEVEL: 'warn',
  };
  worker = await runWorker(env);
  api = await startApi(env);
  http = apiClient(api.url);
  client = await connectClient(loadConfig(env));
});

afterAll(async () => {
  await client?.connection.close();
  await api?.stop();
  await worker?.stop();
  await smtp?.stop();
  await db?.drop();
});

async function post<T = { case: CaseView }>(as: string, url: string, body: unknown, status = 200) {
  const res = await http.post<T>(url, { as, body, headers: { 'Idempotency-Key': randomUUID() } });
  expect([url, res.status]).toEqual([url, status]);
  return res.body;
}

/** `temporal workflow delete`, then until the server no longer knows the execution. */
async function deleteWorkflow(workflowId: string): Promise<void> {
  await run(temporalCliPath(), [
    'workflow',
    'delete',
    '--workflow-id',
    workflowId,
    ...cliConnectionFlags(temporalEnv),
  ]);
  await eventually(
    `${workflowId} gone from Temporal`,
    async () => {
      try {
        await client.workflow.getHandle(workflowId).describe();
        return false;
      } catch (err) {
        return err instanceof WorkflowNotFoundError;
      }
    },
    120_000,
  );
}

it('reads a closed case in full after its workflow executions are deleted from Temporal', async () => {
  const report = newChildReport();
  const { caseId, reference } = await post<{ caseId: string; reference: string }>(
    HANDLER,
    '/cases',
    report,
    201,
  );
  await waitForOpenStep(http, caseId, 'screening', HANDLER);
  await post(HANDLER, `/cases/${caseId}/screening`, {
    risk: 'LOW',
    immediateNeeds: false,
    categories: ['neglect'],
    notes: 'Mother and child heard together.',
  });
  await post(HANDLER, `/cases/${caseId}/assessment`, { social: 'No income since the winter.' });
  await post(HANDLER, `/cases/${caseId}/plan`, {
    items: [
      { serviceType: 'medical', partnerId: 'partner-demo-health', objective: 'Vaccinations up to date.' },
    ],
  });
  const approved = await post(SUPERVISOR, `/cases/${caseId}/plan/approval`, { decision: 'approve' });
  const referralId = approved.case.referrals[0]?.referralId ?? '';
  await eventually('the referral open for the partner', async () => {
    const r = await http.get<{ openDeadlines: unknown[] }>(`/referrals/${referralId}`, { as: PARTNER });
    return r.status === 200 && r.body.openDeadlines.length === 1;
  });
  await post(PARTNER, `/referrals/${referralId}/acknowledgement`, {});
  await post(HANDLER, `/cases/${caseId}/closure`, {
    reason: 'objectivesMet',
    notes: 'Family back on its feet.',
  });
  await post(SUPERVISOR, `/cases/${caseId}/closure/approval`, { decision: 'approve' });

  // A LOW case has no check-back: both workflows finish (the referral is cancelled by the closure).
  const result: CaseView = await client.workflow.getHandle(caseWorkflowId(caseId)).result();
  expect(result.step).toBe('closed');
  await client.workflow.getHandle(referralWorkflowId(referralId)).result();
  const before = await http.get(`/cases/${caseId}`, { as: HANDLER });
  const timelineBefore = await http.get(`/cases/${caseId}/timeline`, { as: HANDLER });

  await deleteWorkflow(caseWorkflowId(caseId));
  await deleteWorkflow(referralWorkflowId(referralId));

  // --- the file, whole, from the case database alone ------------------------------------------
  const file = await http.get<Record<string, unknown> & CaseView>(`/cases/${caseId}`, { as: HANDLER });
  expect(file.status).toBe(200);
  expect(file.body).toEqual(before.body);
  expect(file.body).toMatchObject({
    caseId,
    reference,
    step: 'closed',
    status: 'closed',
    closureReason: 'objectivesMet',
    openDeadlines: [],
    referrals: [
      expect.objectContaining({ referralId, status: 'cancelled', acknowledgedAt: expect.any(String) }),
    ],
    reports: [expect.objectContaining({ narrative: report.report.narrative })],
    screenings: [expect.objectContaining({ notes: 'Mother and child heard together.' })],
    assessments: [expect.objectContaining({ social: 'No income since the winter.' })],
    plans: [
      expect.objectContaining({
        status: 'approved',
        items: [
          expect.objectContaining({ objective: 'Vaccinations up to date.', referralIds: [referralId] }),
        ],
      }),
    ],
    closures: [expect.objectContaining({ status: 'approved', notes: 'Family back on its feet.' })],
    child: expect.objectContaining({ firstName: report.child.firstName, lastName: report.child.lastName }),
  });
  expect(file.body.stepsOnTime).toBeGreaterThanOrEqual(4);

  const timeline = await http.get<{ steps: { step: string; outcome: string }[] }>(
    `/cases/${caseId}/timeline`,
    {
      as: 'staff-demo-operations',
    },
  );
  expect(timeline.status).toBe(200);
  expect(timeline.body).toEqual(timelineBefore.body);
  // (a referral's steps interleave with the case's: compared by name)
  expect(timeline.body.steps.map((s) => [s.step, s.outcome]).sort()).toEqual([
    ['assessment', 'done'],
    ['closureApproval', 'done'],
    ['planApproval', 'done'],
    ['planDraft', 'done'],
    ['referralAcknowledgement', 'done'],
    ['review', 'cancelled'],
    ['screening', 'done'],
    ['serviceStart', 'cancelled'],
  ]);

  const audit = await http.get<{ items: { action: string }[] }>(`/cases/${caseId}/audit?limit=100`, {
    as: SUPERVISOR,
  });
  expect(audit.status).toBe(200);
  expect(audit.body.items.map((e) => e.action)).toEqual(
    expect.arrayContaining([
      'case.opened',
      'screening',
      'plan.approved',
      'referral.acknowledged',
      'closure.approved',
    ]),
  );
  const referral = await http.get<{ status: string; deadlines: { step: string }[] }>(
    `/referrals/${referralId}`,
    {
      as: PARTNER,
    },
  );
  expect([referral.status, referral.body.status, referral.body.deadlines.map((d) => d.step)]).toEqual([
    200,
    'cancelled',
    ['referralAcknowledgement', 'serviceStart'],
  ]);
  const list = await http.get<{ items: { caseId: string; status: string }[] }>('/cases?status=closed', {
    as: HANDLER,
  });
  expect(list.body.items).toEqual([expect.objectContaining({ caseId, status: 'closed' })]);
});
