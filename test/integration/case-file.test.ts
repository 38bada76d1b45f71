/**
 * The whole case file through the API (time-skipping Temporal, the real worker, PostgreSQL, SMTP
 * capture): every piece of content written through the steps is read back by a handler; the
 * provincial committee and operations read the same file with codes and dates only; each read is
 * audited by what it showed; the timeline gives each step's deadline and lateness, each rung as
 * planned and as fired, and each message's delivery.
 */
import { CaseDetails } from '../../api/cases/schemas';
import { newChildReport, startTestApi, waitForOpenStep, type TestApi } from '../support/api';
import { createHarness, type Harness } from '../support/harness';
import { eventually } from '../support/wait';

const HANDLER = 'staff-demo-handler';
const SUPERVISOR = 'staff-demo-supervisor';
const PARTNER = 'staff-demo-partner';

let h: Harness;
let api: TestApi;
beforeAll(async () => {
  h = await createHarness();
  await h.startWorker();
  api = await startTestApi(h);
});
afterAll(async () => {
  await api?.stop();
  await h?.stop();
});

// Every free text written below: a handler reads each back, committee and operations none.
const TEXT = {
  narrative: 'Bruises seen by the teacher on Monday.',
  screening: 'Heard at the unit with her aunt.',
  emergency: 'Taken to the hospital the same evening.',
  judicial: 'Prosecutor reference 2026/114.',
  social: 'Lives with her aunt since March.',
  health: 'Healed fracture of the left wrist.',
  legal: 'Custody to be clarified.',
  returnReason: 'Add the schooling.',
  objective: 'Treat the wrist and follow up monthly.',
  review: 'Back at school, attends every day.',
  closure: 'Objectives met, the family is supportive.',
  closureReturn: 'Wait for the next review.',
  checkBack: 'Visited at home, all well.',
};

interface CaseFile {
  step: string;
  status: string;
  closedAt: string | null;
  reports: Record<string, unknown>[];
  screenings: Record<string, unknown>[];
  emergencyMeasures: Record<string, unknown>[];
  judicialNotifications: Record<string, unknown>[];
  assessments: Record<string, unknown>[];
  plans: { status: string; returnReason?: string | null; items: Record<string, unknown>[] }[];
  referrals: { referralId: string; status: string; deadlines: { step: string }[] }[];
  reviews: Record<string, unknown>[];
  transfers: Record<string, unknown>[];
  closures: { status: string; notes?: string | null; decisions: Record<string, unknown>[] }[];
  checkBacks: Record<string, unknown>[];
  child?: { firstName: string };
}

async function post(caseId: string, as: string, path: string, body: unknown) {
  const res = await api.post(`/cases/${caseId}${path}`, { as, body });
  expect([path, res.status]).toEqual([path, 200]);
  return res.body;
}

it('reads back every record of a circuit, content for content readers only, and audits each read', async () => {
  const report = newChildReport();
  report.report.narrative = TEXT.narrative;
  const created = await api.post<{ caseId: string; childId: string }>('/cases', {
    as: HANDLER,
    body: report,
  });
  expect(created.status).toBe(201);
  const { caseId } = created.body;
  await waitForOpenStep(api, caseId, 'screening', HANDLER);

  await post(caseId, HANDLER, '/screening', {
    risk: 'HIGH',
    immediateNeeds: true,
    injury: true,
    categories: ['physicalViolence'],
    notes: TEXT.screening,
  });
  await post(caseId, HANDLER, '/emergency', { measures: ['medical', 'placement'], notes: TEXT.emergency });
  await post(caseId, HANDLER, '/judicial-notification', { status: 'sent', notes: TEXT.judicial });
  await post(caseId, HANDLER, '/judicial-notification', { status: 'acknowledged' });
  await post(caseId, HANDLER, '/assessment', { social: TEXT.social, health: TEXT.health, legal: TEXT.legal });
  const items = [{ serviceType: 'medical', partnerId: 'partner-demo-health', objective: TEXT.objective }];
  await post(caseId, HANDLER, '/plan', { items, reviewFrequencyDays: 30 });
  await post(caseId, SUPERVISOR, '/plan/approval', { decision: 'return', reason: TEXT.returnReason });
  await post(caseId, HANDLER, '/plan', { items });
  const approved = (await post(caseId, SUPERVISOR, '/plan/approval', { decision: 'approve' })) as {
    case: { referrals: { referralId: string }[] };
  };
  const referralId = approved.case.referrals[0]?.referralId ?? '';
  await eventually('the acknowledgement deadline', async () => {
    const r = await api.get<{ openDeadlines: unknown[] }>(`/referrals/${referralId}`, { as: PARTNER });
    return r.body.openDeadlines?.length === 1;
  });
  for (const path of ['/acknowledgement', '/start']) {
    expect((await api.post(`/referrals/${referralId}${path}`, { as: PARTNER, body: {} })).status).toBe(200);
  }
  expect(
    (await api.post(`/referrals/${referralId}/outcome`, { as: PARTNER, body: { outcome: 'completed' } }))
      .status,
  ).toBe(200);
  await post(caseId, HANDLER, '/reviews', { risk: 'HIGH', decision: 'continue', notes: TEXT.review });
  await post(caseId, HANDLER, '/transfer', { toProvince: 'OTHR' });
  await post(caseId, 'staff-othr-supervisor', '/transfer/acceptance', { accept: false });
  await post(caseId, HANDLER, '/closure', { reason: 'objectivesMet', notes: TEXT.closure });
  await post(caseId, SUPERVISOR, '/closure/approval', { decision: 'return', reason: TEXT.closureReturn });
  await post(caseId, HANDLER, '/closure', { reason: 'objectivesMet' });
  await post(caseId, SUPERVISOR, '/closure/approval', { decision: 'approve' });
  await post(caseId, HANDLER, '/closure/check-back', { outcome: 'stable', notes: TEXT.checkBack });

  // (reads before this one: the polls waiting for the first step)
  const since = (await api.prisma.auditEvent.aggregate({ _max: { id: true } }))._max.id ?? 0n;
  const handler = await api.get<CaseFile>(`/cases/${caseId}`, { as: HANDLER });
  expect(handler.status).toBe(200);
  // The answer is what /openapi.json documents (strictly: no field missing, none undocumented).
  const documented = CaseDetails.strict().safeParse(handler.body);
  expect(documented.success ? [] : documented.error.issues.map((i) => i.path.join('.'))).toEqual([]);
  const f = handler.body;
  expect([f.step, f.status, f.closedAt !== null]).toEqual(['closed', 'closed', true]);
  expect(f.reports).toEqual([expect.objectContaining({ channel: 'school', narrative: TEXT.narrative })]);
  expect(f.screenings).toEqual([
    expect.objectContaining({
      risk: 'HIGH',
      injury: true,
      categories: ['physicalViolence'],
      notes: TEXT.screening,
    }),
  ]);
  expect(f.emergencyMeasures).toEqual([
    expect.objectContaining({
      measures: ['medical', 'placement'],
      notes: TEXT.emergency,
      recordedById: HANDLER,
    }),
  ]);
  expect(f.judicialNotifications.map((j) => [j.status, j.notes])).toEqual([
    ['sent', TEXT.judicial],
    ['acknowledged', null],
  ]);
  expect(f.assessments).toEqual([
    expect.objectContaining({
      social: TEXT.social,
      health: TEXT.health,
      psychological: null,
      educational: null,
      legal: TEXT.legal,
    }),
  ]);
  expect(f.plans.map((p) => [p.status, p.returnReason])).toEqual([
    ['returned', TEXT.returnReason],
    ['approved', null],
  ]);
  expect(f.plans[0]?.items).toEqual([
    expect.objectContaining({
      serviceType: 'medical',
      partnerId: 'partner-demo-health',
      objective: TEXT.objective,
    }),
  ]);
  expect(f.plans[1]?.items[0]).toMatchObject({ referralIds: [referralId] });
  expect(f.referrals).toEqual([
    expect.objectContaining({
      referralId,
      status: 'completed',
      outcome: 'completed',
      acknowledgedAt: expect.any(String),
      startedAt: expect.any(String),
      outcomeAt: expect.any(String),
    }),
  ]);
  expect(f.referrals[0]?.deadlines.map((d) => d.step)).toEqual(['referralAcknowledgement', 'serviceStart']);
  expect(f.reviews).toEqual([
    expect.objectContaining({ decision: 'continue', riskAfter: 'HIGH', notes: TEXT.review }),
  ]);
  expect(f.transfers).toEqual([
    expect.objectContaining({
      fromProvince: 'DEMO',
      toProvince: 'OTHR',
      status: 'refused',
      decidedById: 'staff-othr-supervisor',
    }),
  ]);
  expect(f.closures.map((c) => [c.status, c.notes, c.decisions.map((d) => [d.decision, d.reason])])).toEqual([
    ['returned', TEXT.closure, [['return', TEXT.closureReturn]]],
    ['approved', null, [['approve', null]]],
  ]);
  expect(f.checkBacks).toEqual([expect.objectContaining({ outcome: 'stable', notes: TEXT.checkBack })]);
  expect(f.child?.firstName).toBe(report.child.firstName);

  // The committee and operations: the same records, codes and dates only.
  for (const as of ['staff-demo-committee', 'staff-demo-operations']) {
    const res = await api.get<CaseFile>(`/cases/${caseId}`, { as });
    expect([as, res.status]).toEqual([as, 200]);
    for (const [what, text] of Object.entries(TEXT))
      expect([as, what, res.text.includes(text)]).toEqual([as, what, false]);
    expect(res.text).not.toContain(report.child.firstName);
    expect(res.text).not.toContain(report.child.lastName);
    expect(res.body.child).toBeUndefined();
    expect(res.body.screenings[0]).not.toHaveProperty('notes');
    expect(res.body.assessments[0]).not.toHaveProperty('social');
    expect(res.body.emergencyMeasures[0]).toMatchObject({ measures: ['medical', 'placement'] });
    expect(res.body.closures.map((c) => c.status)).toEqual(['returned', 'approved']);
    expect(res.body.plans.map((p) => p.status)).toEqual(['returned', 'approved']);
  }
  const reads = await api.prisma.auditEvent.findMany({
    where: { caseId, reason: 'GET /cases/{caseId}', id: { gt: since } },
    orderBy: { id: 'asc' },
    select: { actorId: true, action: true },
  });
  expect(reads.map((r) => [r.actorId, r.action])).toEqual([
    [HANDLER, 'child.identity.read'],
    ['staff-demo-committee', 'case.read'],
    ['staff-demo-operations', 'case.read'],
  ]);
});

it("gives each step's deadline, each rung as planned and as fired, and each message's delivery", async () => {
  const created = await api.post<{ caseId: string }>('/cases', { as: HANDLER, body: newChildReport() });
  const { caseId } = created.body;
  await waitForOpenStep(api, caseId, 'screening', HANDLER);
  type Timeline = {
    steps: {
      step: string;
      dueAt: string;
      completedAt: string | null;
      outcome: string | null;
      lateByMs: number | null;
      rungs: {
        level: number;
        role: string;
        plannedAt: string;
        status: string;
        mails: { kind: string; status: string; recipientStaffId: string }[];
      }[];
    }[];
    mails: { kind: string; status: string }[];
  };
  const before = await api.get<Timeline>(`/cases/${caseId}/timeline`, { as: 'staff-demo-operations' });
  expect(before.status).toBe(200);
  const screening = before.body.steps[0];
  // A non-urgent report: 24 clock hours; the clock-hour ladder (handler, supervisor, coordinator at
  // the deadline, committee 2 hours later), every rung still ahead.
  expect(screening?.step).toBe('screening');
  const due = Date.parse(screening?.dueAt ?? '');
  expect(screening?.rungs.map((r) => [r.level, r.role, Date.parse(r.plannedAt) - due, r.status])).toEqual([
    [0, 'handler', 0, 'planned'],
    [1, 'supervisor', 0, 'planned'],
    [2, 'coordinator', 0, 'planned'],
    [3, 'committee', 2 * 3_600_000, 'planned'],
  ]);

  // The deadline passes: the first three rungs fire; then the step is done, an hour late.
  await h.env.sleep(due - (await h.env.currentTimeMs()) + 3_600_000);
  await eventually('three rungs delivered', async () => {
    const t = await api.get<Timeline>(`/cases/${caseId}/timeline`, { as: HANDLER });
    const rungs = t.body.steps[0]?.rungs ?? [];
    return (
      rungs.filter((r) => r.status === 'fired' && r.mails.every((m) => m.status === 'sent')).length === 3
    );
  });
  await post(caseId, HANDLER, '/screening', { risk: 'LOW', immediateNeeds: false, categories: ['neglect'] });
  const after = await api.get<Timeline>(`/cases/${caseId}/timeline`, { as: 'staff-demo-committee' });
  const done = after.body.steps[0];
  expect([done?.outcome, (done?.lateByMs ?? 0) >= 3_600_000]).toEqual(['done', true]);
  expect(
    done?.rungs.map((r) => [r.level, r.status, r.mails.map((m) => [m.kind, m.status, m.recipientStaffId])]),
  ).toEqual([
    [0, 'resolved', [['reminder', 'sent', HANDLER]]],
    [1, 'resolved', [['escalation', 'sent', SUPERVISOR]]],
    [2, 'resolved', [['escalation', 'sent', 'staff-demo-coordinator']]],
    [3, 'notReached', []],
  ]);
  expect(after.body.steps.map((s) => s.step)).toEqual(['screening', 'assessment']);
  expect(after.body.mails.map((m) => [m.kind, m.status])).toEqual([
    ['caseOpened', 'sent'],
    ['caseOpened', 'sent'],
  ]);
  expect(after.text).not.toMatch(/@demo\.example/); // staff ids, never addresses
});
