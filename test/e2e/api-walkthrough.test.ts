/**
 * End to end, the production topology: the real Temporal server as four processes on PostgreSQL
 * over mutual TLS (the e2e suite's cluster), a PostgreSQL database, an SMTP capture, the real
 * worker (runWorker) and the real API (startApi).
 * One case walks from report to closure through HTTP only; the database and the workflow are
 * then checked directly.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { simpleParser } from 'mailparser';
import { startApi, type RunningApi } from '../../api/server';
import { freePort } from '../../devstack/ports';
import { startSmtpCapture, type SmtpCapture } from '../../devstack/smtp-capture';
import { loadConfig } from '../../lib/config';
import { connectClient } from '../../lib/temporal';
import { caseWorkflowId, type CaseView } from '../../workflows/case/definitions';
import { runWorker, type RunningWorker } from '../../worker/run';
import { apiClient, JWT_SECRET, newChildReport, waitForOpenStep, type ApiClient } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { testCluster } from '../support/cluster';
import { TEST_PAYLOAD_KEYS } from '../support/temporal';
import { eventually } from '../support/wait';

const HANDLER = 'staff-demo-handler';
const SUPERVISOR = 'staff-demo-supervisor';
const PARTNER = 'staff-demo-partner'; // focal point of partner-demo-health

let dir: string;
let db: TestDatabase;
let smtp: SmtpCapture;
let worker: RunningWorker;
let api: RunningApi;
let http: ApiClient;
let client: Client;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpe-e2e-'));
  [db, smtp] = await Promise.all([
    createTestDatabase(),
    startSmtpCapture({ port: 0, dir: path.join(dir, 'mail') }),
  ]);
  const env = {
    ...testCluster().env,
    TEMPORAL_TASK_QUEUE: `e2e-${randomUUID()}`,
    DATABASE_URL: db.url,
    SMTP_URL: smtp.url,
    API_PORT: String(await freePort()),
    PUBLIC_URL: 'http://cases.e2e.test',
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
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function post<T = { case: CaseView }>(as: string, url: string, body: unknown, status = 200) {
  const res = await http.post<T>(url, { as, body, headers: { 'Idempotency-Key': randomUUID() } });
  expect([url, res.status]).toEqual([url, status]);
  return res.body;
}

it('reports Temporal, PostgreSQL and SMTP reachable on /readyz', async () => {
  const res = await http.get<{ status: string; checks: Record<string, { status: string }> }>('/readyz');
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({
    status: 'ready',
    checks: { temporal: { status: 'up' }, postgresql: { status: 'up' }, smtp: { status: 'up' } },
  });
});

it('walks one case from report to closure through HTTP only', async () => {
  const report = newChildReport();
  const { caseId, reference } = await post<{ caseId: string; reference: string }>(
    HANDLER,
    '/cases',
    report,
    201,
  );
  await waitForOpenStep(http, caseId, 'screening', HANDLER);

  const screened = await post(HANDLER, `/cases/${caseId}/screening`, {
    risk: 'MEDIUM',
    immediateNeeds: false,
    categories: ['neglect'],
    notes: 'Child and mother heard at the unit.',
  });
  expect(screened.case).toMatchObject({ step: 'assessment', risk: 'MEDIUM' });

  const assessed = await post(HANDLER, `/cases/${caseId}/assessment`, {
    social: 'Single mother, no income.',
    health: 'Untreated skin infection.',
  });
  expect(assessed.case.step).toBe('planDraft');

  const plan = await post<{ planId: string; case: CaseView }>(HANDLER, `/cases/${caseId}/plan`, {
    items: [{ serviceType: 'medical', partnerId: 'partner-demo-health', objective: 'Treat the infection' }],
  });
  expect(plan.case.step).toBe('planApproval');

  const approved = await post(SUPERVISOR, `/cases/${caseId}/plan/approval`, { decision: 'approve' });
  expect(approved.case.step).toBe('followUp');
  expect(approved.case.referrals).toEqual([
    expect.objectContaining({
      serviceType: 'medical',
      partnerId: 'partner-demo-health',
      status: 'requested',
    }),
  ]);
  const referralId = approved.case.referrals[0]?.referralId ?? '';

  // The partner finds the referral in its own list, then acts on it.
  await eventually('the referral in the partner list', async () => {
    const list = await http.get<{ items: { referralId: string }[] }>('/referrals?status=requested', {
      as: PARTNER,
    });
    return list.body.items.some((r) => r.referralId === referralId);
  });
  const acknowledged = await post<{ referral: { status: string } }>(
    PARTNER,
    `/referrals/${referralId}/acknowledgement`,
    {},
  );
  expect(acknowledged.referral.status).toBe('acknowledged');
  expect(
    (await post<{ referral: { status: string } }>(PARTNER, `/referrals/${referralId}/start`, {})).referral
      .status,
  ).toBe('started');
  const outcome = await post<{ referral: { status: string } }>(PARTNER, `/referrals/${referralId}/outcome`, {
    outcome: 'completed',
  });
  expect(outcome.referral.status).toBe('completed');
  await eventually('the case to learn of the outcome', async () => {
    const view = await http.get<CaseView>(`/cases/${caseId}`, { as: HANDLER });
    return view.body.referrals[0]?.status === 'completed';
  });

  // The risk stays as it was, so the plan continues (a change of risk would go back to assessment
  // or the plan: protocol.md §3 step 7).
  const reviewed = await post<{ reviewId: string; case: CaseView }>(HANDLER, `/cases/${caseId}/reviews`, {
    risk: 'MEDIUM',
    decision: 'continue',
    notes: 'Infection treated; mother supported.',
  });
  expect(reviewed.case).toMatchObject({ step: 'followUp', risk: 'MEDIUM' });

  const closing = await post(HANDLER, `/cases/${caseId}/closure`, { reason: 'objectivesMet' });
  expect(closing.case.step).toBe('closureApproval');
  const closed = await post(SUPERVISOR, `/cases/${caseId}/closure/approval`, { decision: 'approve' });
  expect(closed.case).toMatchObject({ step: 'closed', closureReason: 'objectivesMet', openDeadlines: [] });

  // --- the database -------------------------------------------------------------------------
  const row = await eventually('the case row closed', async () => {
    const c = await db.prisma.case.findUniqueOrThrow({
      where: { id: caseId },
      include: {
        reports: true,
        screenings: true,
        assessments: true,
        plans: { include: { items: true } },
        referrals: true,
        reviews: true,
      },
    });
    return c.status === 'closed' ? c : undefined;
  });
  expect(row).toMatchObject({
    reference,
    step: 'closed',
    risk: 'MEDIUM',
    closureReason: 'objectivesMet',
    provinceCode: 'DEMO',
  });
  expect(row.closedAt).not.toBeNull();
  expect(row.reports).toHaveLength(1);
  expect(row.screenings).toEqual([expect.objectContaining({ risk: 'MEDIUM', screenedById: HANDLER })]);
  expect(row.assessments).toEqual([
    expect.objectContaining({ social: 'Single mother, no income.', assessedById: HANDLER }),
  ]);
  expect(row.plans).toEqual([
    expect.objectContaining({ id: plan.planId, status: 'approved', decidedById: SUPERVISOR }),
  ]);
  expect(row.plans[0]?.items).toHaveLength(1);
  expect(row.referrals).toEqual([
    expect.objectContaining({
      id: referralId,
      status: 'completed',
      outcome: 'completed',
      partnerId: 'partner-demo-health',
    }),
  ]);
  expect(row.referrals[0]?.acknowledgedAt).not.toBeNull();
  expect(row.referrals[0]?.startedAt).not.toBeNull();
  expect(row.reviews).toEqual([
    expect.objectContaining({ id: reviewed.reviewId, riskBefore: 'MEDIUM', riskAfter: 'MEDIUM' }),
  ]);
  const openSteps = await eventually('every step record closed', async () => {
    const n = await db.prisma.stepRecord.count({ where: { caseId, completedAt: null } });
    return n === 0 ? n : undefined;
  });
  expect(openSteps).toBe(0);
  const actions = (await db.prisma.auditEvent.findMany({ where: { caseId }, orderBy: { id: 'asc' } })).map(
    (e) => e.action,
  );
  expect(actions).toEqual(
    expect.arrayContaining([
      'case.opened',
      'case.reported',
      'screening',
      'assessment',
      'plan.submitted',
      'plan.approved',
      'referral.requested',
      'referral.acknowledged',
      'referral.started',
      'referral.completed',
      'review',
      'closure.requested',
      'closure.approved',
    ]),
  );
  expect(actions.indexOf('closure.approved')).toBeGreaterThan(actions.indexOf('review'));

  // --- the workflow: closed with nothing pending, so it completed -------------------------------
  const handle = client.workflow.getHandle(caseWorkflowId(caseId));
  const result: CaseView = await handle.result();
  expect(result).toMatchObject({ caseId, step: 'closed', stepsLate: 0 });
  expect(result.stepsOnTime).toBeGreaterThanOrEqual(6);
  expect((await handle.describe()).status.name).toBe('COMPLETED');
  const audit = await http.get<{ items: { action: string }[] }>(`/cases/${caseId}/audit?limit=100`, {
    as: SUPERVISOR,
  });
  expect(audit.body.items.map((e) => e.action)).toContain('closure.approved');
  // --- the e-mail: the duty unit heard of the new case, once, kept as .eml in the capture folder --
  const opened = await eventually('the case-opened e-mails', async () => {
    const mails = await Promise.all(
      smtp.messages.map(async (m) => ({ m, parsed: await simpleParser(m.raw) })),
    );
    const mine = mails.filter(
      ({ parsed }) =>
        parsed.headers.get('x-notification-kind') === 'caseOpened' &&
        (parsed.subject ?? '').includes(reference),
    );
    return mine.length >= 2 ? mine : undefined;
  });
  expect(opened.map(({ m }) => m.to).sort()).toEqual([['handler@demo.example'], ['supervisor@demo.example']]);
  for (const { m, parsed } of opened) {
    expect(m.file && fs.readFileSync(m.file).equals(m.raw)).toBe(true);
    expect(parsed.text).toContain(`http://cases.e2e.test/desk/cases/${caseId}`);
    expect(`${parsed.subject} ${parsed.text} ${String(parsed.html)}`).not.toContain(report.child.lastName);
  }
});
