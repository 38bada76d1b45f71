/**
 * Issue 13 item 15: a step whose workflow update outlives the API's wait. The API answers 503 when
 * Temporal does not answer within API_WORKFLOW_TIMEOUT_MS, but the update it sent may still be
 * accepted and run — here because no worker is polling while the request is made, and one starts
 * afterwards. The step's rows (screening, assessment, plan, plan decision, review, leaving-care
 * objectives) must then be in the case database without any retry by the client, confirmed, with
 * one audit event each; a step the workflow rejects, or one the API never got to send, leaves
 * nothing. Real parts: time-skipping Temporal, the worker, the API, PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import { sweepPendingStepWrites } from '../../api/steps/pending';
import type { StepWrite } from '../../lib/step-writes';
import { newChildReport, startTestApi, waitForOpenStep, type TestApi } from '../support/api';
import { createHarness, type Harness } from '../support/harness';
import { birthDateAged } from '../support/leaving-care';
import { eventually } from '../support/wait';

const HANDLER = 'staff-demo-handler';
const SUPERVISOR = 'staff-demo-supervisor';
const MEDIATOR = 'staff-demo-mediator';
const AXES = ['health', 'educationTraining', 'employment', 'socialAssistance', 'socialParticipation'];

let h: Harness;
let api: TestApi;
/** The same app with a short wait on Temporal, for the requests made while no worker polls. */
let impatient: TestApi;
let worker: { stop(): Promise<void> } | undefined;
// The Java test server never times out a stopped worker's sticky queue: these workers keep no cache.
const startWorker = async () => {
  worker = await h.startWorker({ sticky: false });
};
beforeAll(async () => {
  h = await createHarness();
  await startWorker();
  api = await startTestApi(h);
  impatient = await startTestApi(h, { API_WORKFLOW_TIMEOUT_MS: '1000' });
});
afterAll(async () => {
  await impatient?.stop();
  await api?.stop();
  await h?.stop();
});

type Problem = { status: number; detail: string };

/** The request is made while no worker polls: the API's wait runs out (503); then a worker starts. */
async function throughTimeout(path: string, as: string, body: unknown, key: string) {
  await worker?.stop();
  worker = undefined;
  const res = await impatient.post<Problem>(path, { as, body, headers: { 'Idempotency-Key': key } });
  expect([path, res.status]).toEqual([path, 503]);
  await startWorker();
  return res;
}

const audited = (caseId: string, action: string) =>
  h.db.prisma.auditEvent.findMany({ where: { caseId, action }, select: { actorId: true } });

async function reportCase(): Promise<string> {
  const res = await api.post<{ caseId: string }>('/cases', { as: HANDLER, body: newChildReport() });
  expect(res.status).toBe(201);
  await waitForOpenStep(api, res.body.caseId, 'screening');
  return res.body.caseId;
}

describe('a step whose update outlives the API’s wait', () => {
  it('item 15: the step rows of a timed-out update are kept and confirmed without a retry, audited once', async () => {
    const caseId = await reportCase();
    const prisma = h.db.prisma;

    // Screening.
    await throughTimeout(
      `/cases/${caseId}/screening`,
      HANDLER,
      { risk: 'HIGH', immediateNeeds: false, categories: ['neglect'], notes: 'Heard with her aunt' },
      'timeout-screening',
    );
    const screening = await eventually('the screening row', async () =>
      (await prisma.screening.findMany({ where: { caseId } })).at(0),
    );
    expect(screening).toMatchObject({ risk: 'HIGH', notes: 'Heard with her aunt', screenedById: HANDLER });
    await waitForOpenStep(api, caseId, 'assessment');
    expect(await audited(caseId, 'screening')).toEqual([{ actorId: HANDLER }]);

    // The client's retry (same Idempotency-Key) is the same step: 200, the same row, no second event.
    const retried = await api.post<{ screeningId: string }>(`/cases/${caseId}/screening`, {
      as: HANDLER,
      body: { risk: 'HIGH', immediateNeeds: false, categories: ['neglect'], notes: 'Heard with her aunt' },
      headers: { 'Idempotency-Key': 'timeout-screening' },
    });
    expect(retried.status).toBe(200);
    expect(retried.body.screeningId).toBe(screening.id);
    expect(await prisma.screening.count({ where: { caseId } })).toBe(1);
    expect(await audited(caseId, 'screening')).toHaveLength(1);

    // Assessment.
    await throughTimeout(
      `/cases/${caseId}/assessment`,
      HANDLER,
      { social: 'Lives with an aunt', health: 'Bruises, seen by a doctor' },
      'timeout-assessment',
    );
    const assessment = await eventually('the assessment row', async () =>
      (await prisma.assessment.findMany({ where: { caseId } })).at(0),
    );
    expect(assessment).toMatchObject({ social: 'Lives with an aunt', health: 'Bruises, seen by a doctor' });
    await waitForOpenStep(api, caseId, 'planDraft');

    // Plan (a plan and its items), then its return by the supervisor with a reason.
    await throughTimeout(
      `/cases/${caseId}/plan`,
      HANDLER,
      {
        items: [
          { serviceType: 'medical', partnerId: 'partner-demo-health', objective: 'See a paediatrician' },
        ],
      },
      'timeout-plan',
    );
    const plan = await eventually('the plan row', async () =>
      (await prisma.plan.findMany({ where: { caseId }, include: { items: true } })).at(0),
    );
    expect(plan).toMatchObject({ version: 1, status: 'submitted' });
    expect(plan.items.map((i) => [i.serviceType, i.partnerId, i.objective])).toEqual([
      ['medical', 'partner-demo-health', 'See a paediatrician'],
    ]);
    await waitForOpenStep(api, caseId, 'planApproval');
    await throughTimeout(
      `/cases/${caseId}/plan/approval`,
      SUPERVISOR,
      { decision: 'return', reason: 'Add a psychologist' },
      'timeout-plan-return',
    );
    const returned = await eventually('the plan decision', async () => {
      const row = await prisma.plan.findUniqueOrThrow({ where: { id: plan.id } });
      return row.status === 'returned' ? row : undefined;
    });
    expect(returned).toMatchObject({ returnReason: 'Add a psychologist', decidedById: SUPERVISOR });
    await waitForOpenStep(api, caseId, 'planDraft');

    // A second plan, approved (the workflow then refers), then a review.
    const second = await api.post<{ planId: string }>(`/cases/${caseId}/plan`, {
      as: HANDLER,
      body: { items: [{ serviceType: 'medical', partnerId: 'partner-demo-health' }] },
    });
    expect(second.status).toBe(200);
    await throughTimeout(
      `/cases/${caseId}/plan/approval`,
      SUPERVISOR,
      { decision: 'approve' },
      'timeout-plan-approve',
    );
    await eventually('the approved plan', async () => {
      const row = await prisma.plan.findUniqueOrThrow({ where: { id: second.body.planId } });
      return row.status === 'approved' && row.version === 2;
    });
    await waitForOpenStep(api, caseId, 'review');
    await throughTimeout(
      `/cases/${caseId}/reviews`,
      HANDLER,
      { risk: 'MEDIUM', decision: 'revisePlan', notes: 'Back at school' },
      'timeout-review',
    );
    const review = await eventually('the review row', async () =>
      (await prisma.review.findMany({ where: { caseId } })).at(0),
    );
    expect(review).toMatchObject({ riskBefore: 'HIGH', riskAfter: 'MEDIUM', notes: 'Back at school' });

    for (const action of ['screening', 'assessment', 'plan.submitted', 'plan.returned', 'plan.approved', 'review']) {
      expect([action, (await audited(caseId, action)).length]).toEqual([action, action === 'plan.submitted' ? 2 : 1]);
    } // prettier-ignore
    // Nothing is left waiting for confirmation.
    expect(await prisma.pendingStepWrite.count({ where: { caseId } })).toBe(0);
  });

  it('item 15: leaving-care objectives of a timed-out programme are kept without a retry', async () => {
    const report = newChildReport();
    const birthDate = birthDateAged(await h.env.currentTimeMs(), 16, 2);
    const opened = await api.post<{ caseId: string; childId: string }>('/cases', {
      as: HANDLER,
      body: { ...report, child: { ...report.child, birthDate } },
    });
    expect(opened.status).toBe(201);
    await waitForOpenStep(api, opened.body.caseId, 'screening');
    const enrolled = await api.post<{ pathway: { pathwayId: string } }>('/leaving-care', {
      as: HANDLER,
      body: { caseId: opened.body.caseId },
    });
    expect(enrolled.status).toBe(201);
    const { pathwayId } = enrolled.body.pathway;
    await throughTimeout(
      `/leaving-care/${opened.body.childId}/programme`,
      MEDIATOR,
      { axes: AXES.map((axis) => ({ axis, status: 'inProgress', objectives: [`First step for ${axis}`] })) },
      'timeout-programme',
    );
    const objectives = await eventually('the objectives', async () => {
      const rows = await h.db.prisma.leavingCareObjective.findMany({
        where: { pathwayId },
        orderBy: { axis: 'asc' },
      });
      return rows.length === AXES.length ? rows : undefined;
    });
    expect(objectives.map((o) => o.objective)).toEqual(
      [...AXES].sort().map((axis) => `First step for ${axis}`),
    );
    expect(
      await h.db.prisma.auditEvent.count({ where: { entityId: pathwayId, action: 'leavingCare.programme' } }),
    ).toBe(1);
  });

  it('item 15: a step the workflow refuses, or one never sent, leaves no row behind', async () => {
    const caseId = await reportCase();
    // Refused by the workflow (no assessment is due at screening): 409, nothing written.
    const refused = await api.post<Problem>(`/cases/${caseId}/assessment`, {
      as: HANDLER,
      body: { social: 'Too early' },
    });
    expect(refused.status).toBe(409);
    expect(await h.db.prisma.assessment.count({ where: { caseId } })).toBe(0);
    expect(await h.db.prisma.pendingStepWrite.count({ where: { caseId } })).toBe(0);

    // The API died after writing a pending row and before sending the update: the sweep removes
    // it once it is older than the bound and Temporal knows no such update…
    const orphan = randomUUID();
    await h.db.prisma.pendingStepWrite.create({
      data: {
        updateId: orphan,
        workflowId: `case-${caseId}`,
        caseId,
        writes: [
          {
            kind: 'assessment',
            assessment: {
              id: randomUUID(),
              caseId,
              social: 'Never sent',
              health: null,
              psychological: null,
              educational: null,
              legal: null,
              riskAfter: null,
              assessedById: HANDLER,
              assessedAt: new Date().toISOString(),
            },
          },
        ] satisfies StepWrite[],
        createdAt: new Date(Date.now() - 60_000),
      },
    });
    // …but never the row of an update that is admitted and waiting for a worker.
    await worker?.stop();
    worker = undefined;
    const waiting = await impatient.post(`/cases/${caseId}/screening`, {
      as: HANDLER,
      body: { risk: 'LOW', immediateNeeds: false, categories: ['neglect'], notes: 'Waiting for a worker' },
    });
    expect(waiting.status).toBe(503);
    const swept = await sweepPendingStepWrites(api, { olderThanMs: 10_000 });
    expect(swept).toEqual({ removed: 1, kept: 0 });
    const young = await sweepPendingStepWrites(api, { olderThanMs: 0 });
    expect(young).toEqual({ removed: 0, kept: 1 });
    expect(await h.db.prisma.pendingStepWrite.count({ where: { caseId } })).toBe(1);
    await startWorker();
    const screening = await eventually('the screening of the waiting update', async () =>
      (await h.db.prisma.screening.findMany({ where: { caseId } })).at(0),
    );
    expect(screening.notes).toBe('Waiting for a worker');
    expect(await h.db.prisma.assessment.count({ where: { caseId } })).toBe(0);
    expect(await h.db.prisma.pendingStepWrite.count({ where: { caseId } })).toBe(0);
  });
});
