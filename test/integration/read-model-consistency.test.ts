/**
 * The read model against the workflow, after every step of a full circuit driven through the API
 * (time-skipping Temporal, the real worker, PostgreSQL): what `GET /cases/{id}` reads from the
 * database equals what the case workflow's query answers — step, risk, province, assignee, open
 * deadlines and the highest rung fired on each, open escalations, referrals, the pending transfer,
 * the closure reason, steps on time and late, mail issues. A step's own effect is in the read
 * right after its answer (the workflow's activities commit inside the update); what other
 * workflows do on their own (a referral opening its deadline, a rung firing) is awaited.
 */
import { caseViewQuery, caseWorkflowId, type CaseView } from '../../workflows/case/definitions';
import { newChildReport, startTestApi, waitForOpenStep, type TestApi } from '../support/api';
import { createHarness, type Harness } from '../support/harness';

const HANDLER = 'staff-demo-handler';
const SUPERVISOR = 'staff-demo-supervisor';
const PARTNER = 'staff-demo-partner'; // partner-demo-health
const SCHOOL = 'staff-demo-school-focal'; // created below for partner-demo-school
const OTHR_HANDLER = 'staff-othr-handler';
const OTHR_SUPERVISOR = 'staff-othr-supervisor';

let h: Harness;
let api: TestApi;
beforeAll(async () => {
  h = await createHarness();
  await h.startWorker();
  api = await startTestApi(h);
  const created = await api.post('/staff', {
    as: 'staff-demo-admin',
    body: {
      staffId: SCHOOL,
      province: 'DEMO',
      role: 'partner',
      partnerId: 'partner-demo-school',
      displayName: 'Point focal école',
      email: 'school-focal@demo.example',
    },
  });
  expect(created.status).toBe(201);
});
afterAll(async () => {
  await api?.stop();
  await h?.stop();
});

/** The parts of a view both sides must agree on, in a stable order. */
function comparable(v: CaseView) {
  const by =
    <T>(key: (x: T) => string) =>
    (a: T, b: T) =>
      key(a).localeCompare(key(b));
  return {
    step: v.step,
    risk: v.risk,
    province: v.province,
    assigneeId: v.assigneeId,
    transferTo: v.transferTo,
    closureReason: v.closureReason,
    stepsOnTime: v.stepsOnTime,
    stepsLate: v.stepsLate,
    openDeadlines: v.openDeadlines
      .map((d) => ({
        step: d.step,
        dueAt: d.dueAt,
        subjectId: d.subjectId ?? null,
        level: d.escalationLevel,
      }))
      .sort(by((d) => `${d.step}/${d.subjectId}/${d.dueAt}`)),
    openEscalations: v.openEscalations
      .map((e) => ({ deadlineId: e.deadlineId, step: e.step, level: e.level, role: e.role }))
      .sort(by((e) => `${e.deadlineId}/${e.level}`)),
    referrals: v.referrals
      .map((r) => ({
        referralId: r.referralId,
        serviceType: r.serviceType,
        partnerId: r.partnerId,
        status: r.status,
        declineReason: r.declineReason ?? null,
      }))
      .sort(by((r) => r.referralId)),
    notificationIssues: v.notificationIssues
      .map((i) => ({ about: i.about, level: i.level, problem: i.problem, roles: i.roles }))
      .sort(by((i) => `${i.about}/${i.level}/${i.problem}`)),
  };
}

const workflowView = (caseId: string) =>
  api.temporal.workflow.getHandle(caseWorkflowId(caseId)).query(caseViewQuery);

async function readView(caseId: string, as: string): Promise<CaseView> {
  const res = await api.get<CaseView>(`/cases/${caseId}`, { as });
  expect(res.status).toBe(200);
  return res.body;
}

const log: string[] = [];

/**
 * Both views agree (waited for while other workflows catch up; the last difference is reported).
 * `until` names what another workflow must have done first: without it, both sides can agree on
 * the state from before that workflow's signal reached the case.
 */
async function agree(
  caseId: string,
  as: string,
  label: string,
  until: (v: CaseView) => boolean = () => true,
): Promise<CaseView> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const [fromWorkflow, fromDatabase] = await Promise.all([workflowView(caseId), readView(caseId, as)]);
    const a = comparable(fromWorkflow);
    const b = comparable(fromDatabase);
    if (JSON.stringify(a) === JSON.stringify(b) && (until(fromWorkflow) || Date.now() > deadline)) {
      log.push(`${label}: ${fromDatabase.step}, ${fromDatabase.openDeadlines.length} open deadline(s)`);
      return fromDatabase;
    }
    if (Date.now() > deadline) {
      expect({ step: label, database: b }).toEqual({ step: label, database: a });
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A step through the API; the read right after it shows it (same step, risk, province, assignee). */
async function step(caseId: string, as: string, path: string, body: unknown, readAs = as): Promise<CaseView> {
  const res = await api.post<{ case: CaseView }>(`/cases/${caseId}${path}`, { as, body });
  expect([path, res.status]).toEqual([path, 200]);
  const read = await readView(caseId, readAs);
  const own = (v: CaseView) => ({
    step: v.step,
    risk: v.risk,
    province: v.province,
    assigneeId: v.assigneeId,
    transferTo: v.transferTo,
    closureReason: v.closureReason,
  });
  expect([path, own(read)]).toEqual([path, own(res.body.case)]);
  return agree(caseId, readAs, `${as} ${path}`);
}

async function partnerStep(as: string, referralId: string, path: string, body: unknown = {}) {
  const res = await api.post(`/referrals/${referralId}${path}`, { as, body });
  expect([path, res.status]).toEqual([path, 200]);
}

it('reads from the database what the workflow holds, after every step of a full circuit', async () => {
  const created = await api.post<{ caseId: string }>('/cases', { as: HANDLER, body: newChildReport() });
  expect(created.status).toBe(201);
  const { caseId } = created.body;
  await waitForOpenStep(api, caseId, 'screening', HANDLER);
  await agree(caseId, HANDLER, 'opened');

  let v = await step(caseId, HANDLER, '/screening', {
    risk: 'HIGH',
    immediateNeeds: true,
    categories: ['sexualAbuse'],
    notes: 'Heard with her aunt.',
  });
  expect(v.openDeadlines.map((d) => d.step).sort()).toEqual([
    'assessment',
    'emergency',
    'judicialNotification',
  ]);
  await step(caseId, HANDLER, '/emergency', { measures: ['medical'], notes: 'Seen at the hospital.' });
  await step(caseId, HANDLER, '/judicial-notification', { status: 'sent' });
  await step(caseId, HANDLER, '/judicial-notification', { status: 'acknowledged', notes: 'Ref. 2026/114' });
  await step(caseId, HANDLER, '/assessment', { social: 'Lives with her aunt.', risk: 'HIGH' });
  const items = [
    { serviceType: 'medical', partnerId: 'partner-demo-health' },
    { serviceType: 'education', partnerId: 'partner-demo-school' },
  ];
  await step(caseId, HANDLER, '/plan', { items });
  await step(caseId, SUPERVISOR, '/plan/approval', { decision: 'return', reason: 'Add schooling.' });
  await step(caseId, HANDLER, '/plan', { items });
  v = await step(caseId, SUPERVISOR, '/plan/approval', { decision: 'approve' });
  // The referrals are rows as soon as the approval answers (their workflows open their deadlines next).
  expect(v.referrals.map((r) => [r.serviceType, r.status]).sort()).toEqual([
    ['education', 'requested'],
    ['medical', 'requested'],
  ]);
  const medical = v.referrals.find((r) => r.serviceType === 'medical')?.referralId ?? '';
  const education = v.referrals.find((r) => r.serviceType === 'education')?.referralId ?? '';

  await partnerStep(PARTNER, medical, '/acknowledgement');
  await agree(caseId, HANDLER, 'medical acknowledged');
  await partnerStep(SCHOOL, education, '/decline', { reason: 'noCapacity' });
  // The decline reaches the case by a signal from the referral's workflow, after the answer.
  v = await agree(caseId, HANDLER, 'education declined', (w) =>
    w.openDeadlines.some((d) => d.step === 'referralReassignment'),
  );
  expect(v.openDeadlines.map((d) => d.step)).toContain('referralReassignment');

  // Nobody starts the medical service: its deadline passes and climbs (the referral's own ladder),
  // and the re-referral is late too (the case's): rungs fire on both.
  await h.env.sleep(6 * 86_400_000);
  v = await agree(caseId, HANDLER, 'a week later', (w) =>
    w.openEscalations.some((e) => e.step === 'referralReassignment'),
  );
  expect(v.openEscalations.filter((e) => e.step === 'referralReassignment').length).toBeGreaterThan(0);

  const rereferred = await api.post<{ referralId: string }>(`/cases/${caseId}/referrals`, {
    as: HANDLER,
    body: { serviceType: 'schoolSupport', partnerId: 'partner-demo-association', replaces: education },
  });
  expect(rereferred.status).toBe(201);
  v = await agree(caseId, HANDLER, 're-referred');
  expect(v.referrals.find((r) => r.referralId === rereferred.body.referralId)?.status).toBe('requested');
  expect(v.stepsLate).toBe(1);

  await step(caseId, HANDLER, '/reviews', { risk: 'HIGH', decision: 'continue', notes: 'Going to school.' });
  await step(caseId, SUPERVISOR, '/assignment', { assigneeId: SUPERVISOR });
  v = await step(caseId, HANDLER, '/transfer', { toProvince: 'OTHR' });
  expect(v.transferTo).toBe('OTHR');
  await step(caseId, OTHR_SUPERVISOR, '/transfer/acceptance', { accept: false }, HANDLER);
  await step(caseId, HANDLER, '/transfer', { toProvince: 'OTHR' });
  v = await step(caseId, OTHR_SUPERVISOR, '/transfer/acceptance', { accept: true }, OTHR_HANDLER);
  expect([v.province, v.assigneeId]).toEqual(['OTHR', null]);

  await step(caseId, OTHR_HANDLER, '/closure', { reason: 'objectivesMet', notes: 'Back at school.' });
  await step(caseId, OTHR_SUPERVISOR, '/closure/approval', { decision: 'return', reason: 'Wait a month.' });
  await step(caseId, OTHR_HANDLER, '/closure', { reason: 'objectivesMet' });
  v = await step(caseId, OTHR_SUPERVISOR, '/closure/approval', { decision: 'approve' });
  expect([v.step, v.closureReason, v.openDeadlines.map((d) => d.step)]).toEqual([
    'closed',
    'objectivesMet',
    ['closureCheckBack'],
  ]);
  expect(v.referrals.every((r) => ['completed', 'declined', 'cancelled'].includes(r.status))).toBe(true);
  v = await step(caseId, OTHR_HANDLER, '/closure/check-back', { outcome: 'stable' });
  expect(v.openDeadlines).toEqual([]);
  console.log(`read model = workflow view after ${log.length} steps:\n  ${log.join('\n  ')}`);
});
